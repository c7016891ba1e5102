using System.Buffers.Text;
using System.Text.Json;
using Cmp.Primitives;
using Cmp.Saleor.Client;

namespace Cmp.Provisioner.Features.InstallSaleorApp;

/// <summary>How the installer authenticates to Saleor.</summary>
public enum SessionKind
{
    /// <summary>A staff user (e-mail and password, or a staff JWT): can create and update the app.</summary>
    Staff,
    /// <summary>The cmp-provisioner app's own token: can manage its own webhooks, not its permissions.</summary>
    App,
}

/// <summary>
/// The installer's authenticated client. Staff access tokens live five minutes in Saleor, so with e-mail and password
/// the session logs in again shortly before the token expires (a long catalog install outlives one token).
/// Credentials and tokens stay in memory and are never printed or logged.
/// </summary>
public sealed class SaleorSession
{
    static readonly TimeSpan RefreshBefore = TimeSpan.FromSeconds(60);

    readonly ISaleorClient _anonymous;
    readonly string? _email;
    readonly string? _password;
    readonly TimeProvider _clock;
    string _token;
    DateTimeOffset? _expires;

    SaleorSession(ISaleorClient anonymous, SessionKind kind, string token, string? email, string? password, TimeProvider clock)
    {
        _anonymous = anonymous;
        Kind = kind;
        _token = token;
        _email = email;
        _password = password;
        _clock = clock;
        _expires = JwtExpiry(token);
    }

    public SessionKind Kind { get; }

    /// <summary>The token the session authenticates with (an app token in App mode).</summary>
    public string Token => _token;

    public static async Task<Result<SaleorSession>> LoginAsync(ISaleorClient anonymous, string email, string password, TimeProvider clock, CancellationToken ct)
    {
        var token = await CreateTokenAsync(anonymous, email, password, ct);
        return token.IsSuccess ? new SaleorSession(anonymous, SessionKind.Staff, token.Value, email, password, clock) : token.Error;
    }

    /// <summary>A token given on the command line: a JWT is a staff token, anything else an app token.</summary>
    public static SaleorSession FromToken(ISaleorClient anonymous, string token, TimeProvider clock) =>
        new(anonymous, LooksLikeJwt(token) ? SessionKind.Staff : SessionKind.App, token, null, null, clock);

    public async Task<Result<ISaleorClient>> ClientAsync(CancellationToken ct)
    {
        if (_email is not null && _expires is { } exp && exp - _clock.GetUtcNow() < RefreshBefore)
        {
            var token = await CreateTokenAsync(_anonymous, _email, _password!, ct);
            if (!token.IsSuccess) return token.Error;
            _token = token.Value;
            _expires = JwtExpiry(_token);
        }
        return Result<ISaleorClient>.Success(_anonymous.WithToken(_token));
    }

    static async Task<Result<string>> CreateTokenAsync(ISaleorClient anonymous, string email, string password, CancellationToken ct)
    {
        var r = await anonymous.ExecuteAsync<TokenData>("TokenCreate", new { email, password }, ct);
        if (!r.IsSuccess)
        {
            return r.Error.Code is SaleorErrorCodes.InvalidCredentials or "inactive"
                ? new Error("saleor_login_failed", $"Saleor refused the staff login of {email}: {r.Error.Message}", ErrorKind.Unauthorized)
                : r.Error;
        }
        return r.Value.TokenCreate.Token is { Length: > 0 } token
            ? token
            : new Error("saleor_login_failed", $"Saleor returned no token for {email}.", ErrorKind.Unauthorized);
    }

    static bool LooksLikeJwt(string token) => token.Split('.') is [{ Length: > 0 }, { Length: > 0 }, { Length: > 0 }];

    /// <summary>The <c>exp</c> of a JWT, read without verifying (only to schedule a refresh).</summary>
    static DateTimeOffset? JwtExpiry(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            using var doc = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            return doc.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    sealed record TokenData(TokenPayload TokenCreate);
    sealed record TokenPayload(string? Token);
}
