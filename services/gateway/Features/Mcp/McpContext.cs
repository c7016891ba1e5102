using System.Security.Claims;
using Cmp.Gateway.Features.Acp;
using Cmp.Gateway.Features.Acp.Checkout;
using Cmp.Gateway.Features.Acp.Protocol;
using Cmp.Gateway.Features.Payments;
using Cmp.Hosting.Auth;
using Cmp.Primitives;
using Microsoft.Extensions.Options;
using ModelContextProtocol;

namespace Cmp.Gateway.Features.Mcp;

/// <summary>What every MCP tool needs about its caller and the shop: who (owner of checkouts, buyer e-mail, token for
/// the control plane), where the test PSP is, and how to turn a domain error into an actionable tool error.</summary>
public sealed class McpContext(IHttpContextAccessor http, IOptions<AcpOptions> acp, IOptions<PaymentOptions> payments, PaymentProviders providers)
{
    public AcpOptions Acp => acp.Value;

    public static string Owner(ClaimsPrincipal? user) =>
        user?.Subject() is { Length: > 0 } sub ? "user:" + sub : throw new McpException("Not signed in: connect with a Keycloak access token.");

    /// <summary>The buyer's e-mail: it names the tenant the purchase is provisioned to, so it must be verified.</summary>
    public static string BuyerEmail(ClaimsPrincipal? user)
    {
        var email = user?.Email();
        if (string.IsNullOrEmpty(email)) throw new McpException("Your access token carries no e-mail address; purchases are made in the name of the signed-in buyer's e-mail.");
        if (!user!.EmailVerified()) throw new McpException("Your e-mail address is not verified in the identity provider; verify it before buying.");
        return email;
    }

    /// <summary>The caller's own access token, passed on to the control plane (which decides what they may see).</summary>
    public string UserToken()
    {
        var header = http.HttpContext?.Request.Headers.Authorization.ToString() ?? "";
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : throw new McpException("Not signed in.");
    }

    public string? DelegatePaymentUrl()
    {
        if (!payments.Value.TestPsp.Enabled) return null;
        var request = http.HttpContext?.Request;
        var origin = acp.Value.PublicBaseUrl ?? (request is null ? null : new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/"));
        return origin is null ? null : new Uri(origin, acp.Value.BasePath.TrimStart('/') + "/agentic_commerce/delegate_payment").ToString();
    }

    public IReadOnlyList<string> AcceptedTokens() => providers.All.Select(p => p.Id == "test_psp" ? "vt_" : "spt_").ToArray();

    public CheckoutOut Render(CheckoutSessionView view) => McpMapping.Checkout(view, acp.Value.Merchant.Id, DelegatePaymentUrl(), AcceptedTokens());

    /// <summary>A domain failure as the tool error the model reads: what went wrong and what to do about it.</summary>
    public static McpException Fail(Error error)
    {
        var hint = error.Code switch
        {
            "invalid_item_id" => " Use search_catalog to find valid SKUs.",
            "item_not_purchasable" => " It can be seen but not bought here; pick another item.",
            "checkout_session_not_found" => " Check the checkout_id, or create a new checkout.",
            "checkout_session_closed" or "checkout_session_expired" => " Create a new checkout.",
            "requires_3ds" => " Pass authentication_result from the buyer's 3-D Secure authentication.",
            "missing_billing_address" => " Pass billing_address.",
            "complete_in_progress" => " Wait a second and call complete_checkout again with the same idempotency_key.",
            _ when error.Kind is ErrorKind.Transient or ErrorKind.Timeout => " This is temporary: retry the same call in a few seconds (same idempotency_key).",
            _ => "",
        };
        var field = error.Details.TryGetValue(AcpErrors.ParamKey, out var p) && p is string path ? $" (at {path})" : "";
        return new McpException($"{error.Message}{field}{hint} [{error.Code}]");
    }
}
