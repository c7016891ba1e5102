using System.Security.Claims;
using System.Text.Encodings.Web;
using Cmp.Hosting.Auth;
using Cmp.Hosting.Problems;
using Cmp.Primitives;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Auth.ApiKeys;

/// <summary>
/// <c>Authorization: Bearer cmp_…</c>: an instance API key, checked by <see cref="ApiKeyVerifier"/>. The principal
/// carries the key, instance and tenant ids. An unknown or revoked key is a 401; a control plane that cannot answer
/// is a 503 (the key may well be valid), never a 401.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyVerifier verifier)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerToken.From(Request) is not { } key) return AuthenticateResult.NoResult();
        if (!ApiKeyVerifier.LooksLikeKey(key)) return AuthenticateResult.Fail(new CredentialException("invalid_api_key", "The API key is malformed."));

        var verified = await verifier.VerifyAsync(key, Context.RequestAborted);
        if (!verified.TryGetValue(out var k, out var error))
            return AuthenticateResult.Fail(error.Kind == ErrorKind.NotFound
                ? new CredentialException("invalid_api_key", "The API key is unknown or has been revoked.")
                : new CredentialCheckUnavailableException(error));

        var identity = new ClaimsIdentity(
        [
            new Claim("sub", $"api-key:{k.KeyId}"),
            new Claim(GatewayClaims.CallerKind, GatewayClaims.ApiKeyCaller),
            new Claim(GatewayClaims.KeyId, k.KeyId.ToString()),
            new Claim(GatewayClaims.InstanceId, k.InstanceId.ToString()),
            new Claim(GatewayClaims.TenantId, k.TenantId.ToString()),
        ], Scheme.Name, "sub", KeycloakRoles.RoleClaim);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties) =>
        await CredentialProblems.WriteChallengeAsync(Context, (await HandleAuthenticateOnceSafeAsync()).Failure);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => AuthProblems.WriteForbiddenAsync(Context);
}
