using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Cmp.Primitives;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cmp.Gateway.Auth.Widget;

/// <summary>What a widget token grants: runs of one instance, from one origin, until it expires.</summary>
public sealed record WidgetGrant(string SessionId, Guid InstanceId, Guid TenantId, string Origin, string MintedBy, DateTimeOffset ExpiresAt);

/// <summary>
/// Signs and checks widget tokens: JWTs (HS256, <c>typ: cmp-widget+jwt</c>, audience <c>cmp-widget</c>) signed with
/// <see cref="WidgetOptions.SigningKey"/>. Lifetime is checked against the gateway's clock.
/// </summary>
public sealed class WidgetTokens
{
    public const string TokenType = "cmp-widget+jwt";
    public const string Audience = "cmp-widget";
    static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    readonly TimeProvider _clock;
    readonly WidgetOptions _options;
    readonly SymmetricSecurityKey? _signingKey;
    readonly TokenValidationParameters? _validation;

    public WidgetTokens(IOptions<WidgetOptions> options, TimeProvider clock)
    {
        _clock = clock;
        _options = options.Value;
        if (!_options.Enabled) return;
        _signingKey = Key(_options.SigningKey!);
        _validation = new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudience = Audience,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidTypes = [TokenType],
            IssuerSigningKeys = [_signingKey, .. _options.PreviousSigningKeys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(Key)],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = false,   // checked below against the gateway's TimeProvider
            NameClaimType = "sub",
        };
    }

    public bool Enabled => _signingKey is not null;

    /// <summary>Cheap test for the policy scheme: a JWT whose header says it is a widget token.</summary>
    public static bool LooksLikeWidgetToken(string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot is <= 0 or > 200 || !token.StartsWith("eyJ", StringComparison.Ordinal)) return false;
        try
        {
            return Base64UrlEncoder.Decode(token[..dot]).Contains(TokenType, StringComparison.Ordinal);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public (string Token, WidgetGrant Grant) Issue(Guid instanceId, Guid tenantId, string origin, string mintedBy)
    {
        if (_signingKey is null) throw new InvalidOperationException("Widget tokens are not configured.");
        var now = _clock.GetUtcNow();
        var grant = new WidgetGrant("ws_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), instanceId, tenantId, origin, mintedBy,
            now + _options.TokenLifetime);
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = TokenType,
            Issuer = _options.Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = grant.ExpiresAt.UtcDateTime,
            SigningCredentials = new SigningCredentials(_signingKey, SecurityAlgorithms.HmacSha256),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = grant.SessionId,
                [GatewayClaims.InstanceId] = instanceId.ToString(),
                [GatewayClaims.TenantId] = tenantId.ToString(),
                [GatewayClaims.Origin] = origin,
                ["minted_by"] = mintedBy,
            },
        });
        return (token, grant);
    }

    public async Task<Result<WidgetGrant>> ValidateAsync(string token)
    {
        if (_validation is null) return Refused("widget_disabled", "Widget tokens are not accepted: the widget is not configured on this gateway.");
        var result = await Handler.ValidateTokenAsync(token, _validation);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
            return Refused("invalid_token", "The widget token is invalid.");
        var now = _clock.GetUtcNow();
        if (jwt.ValidTo == DateTime.MinValue || now - _options.ClockSkew >= new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero))
            return Refused("token_expired", "The widget token has expired: get a new one from /v1/widget/session:init.");
        if (jwt.ValidFrom != DateTime.MinValue && now + _options.ClockSkew < new DateTimeOffset(jwt.ValidFrom, TimeSpan.Zero))
            return Refused("invalid_token", "The widget token is not valid yet.");
        if (!jwt.TryGetPayloadValue<string>(GatewayClaims.InstanceId, out var instance) || !Guid.TryParse(instance, out var instanceId)
            || !jwt.TryGetPayloadValue<string>(GatewayClaims.TenantId, out var tenant) || !Guid.TryParse(tenant, out var tenantId)
            || !jwt.TryGetPayloadValue<string>(GatewayClaims.Origin, out var origin) || string.IsNullOrEmpty(jwt.Subject))
            return Refused("invalid_token", "The widget token lacks its instance, tenant or origin.");
        jwt.TryGetPayloadValue<string>("minted_by", out var mintedBy);
        return new WidgetGrant(jwt.Subject, instanceId, tenantId, origin, mintedBy ?? "", new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
    }

    public static ClaimsPrincipal Principal(WidgetGrant g, string scheme) => new(new ClaimsIdentity(
    [
        new Claim("sub", g.SessionId),
        new Claim(GatewayClaims.CallerKind, GatewayClaims.WidgetCaller),
        new Claim(GatewayClaims.WidgetSession, g.SessionId),
        new Claim(GatewayClaims.InstanceId, g.InstanceId.ToString()),
        new Claim(GatewayClaims.TenantId, g.TenantId.ToString()),
        new Claim(GatewayClaims.Origin, g.Origin),
    ], scheme, "sub", Cmp.Hosting.Auth.KeycloakRoles.RoleClaim));

    static Error Refused(string code, string message) => new(code, message, ErrorKind.Unauthorized);

    /// <summary>True when a configured secret is long enough to sign with (checked at startup).</summary>
    public static bool IsStrongEnough(string? secret) => secret is not null && KeyBytes(secret).Length >= 32;

    static SymmetricSecurityKey Key(string secret)
    {
        var bytes = KeyBytes(secret);
        if (bytes.Length < 32)
            throw new InvalidOperationException("Widget:SigningKey must be at least 32 bytes (e.g. `openssl rand -base64 32`).");
        return new SymmetricSecurityKey(bytes) { KeyId = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] };
    }

    /// <summary>A base64 value of 32+ bytes is used as bytes; any other string as its UTF-8 bytes.</summary>
    static byte[] KeyBytes(string secret)
    {
        try
        {
            var decoded = Convert.FromBase64String(secret);
            if (decoded.Length >= 32) return decoded;
        }
        catch (FormatException)
        {
            // Not base64: a passphrase.
        }
        return Encoding.UTF8.GetBytes(secret);
    }
}
