using System.Text.Encodings.Web;
using Cmp.Hosting.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Auth.Widget;

/// <summary>
/// <c>Authorization: Bearer &lt;widget token&gt;</c> from a web page: valid only when the request's <c>Origin</c>
/// header is the origin the token was issued for (browsers set it; scripts elsewhere cannot forge it in a browser).
/// </summary>
public sealed class WidgetTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, WidgetTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerToken.From(Request) is not { } token) return AuthenticateResult.NoResult();
        var validated = await tokens.ValidateAsync(token);
        if (!validated.TryGetValue(out var grant, out var error))
            return AuthenticateResult.Fail(new CredentialException(error.Code, error.Message));
        var origin = WidgetOrigin.Of(Request);
        if (origin is null)
            return AuthenticateResult.Fail(new CredentialException("origin_required",
                "A widget token is only accepted with the Origin header of the page it was issued for."));
        if (!string.Equals(origin, grant.Origin, StringComparison.Ordinal))
            return AuthenticateResult.Fail(new CredentialException("origin_mismatch",
                "This widget token was issued for another origin; it is only accepted from the page's own origin."));
        return AuthenticateResult.Success(new AuthenticationTicket(WidgetTokens.Principal(grant, Scheme.Name), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties) =>
        await CredentialProblems.WriteChallengeAsync(Context, (await HandleAuthenticateOnceSafeAsync()).Failure);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => AuthProblems.WriteForbiddenAsync(Context);
}
