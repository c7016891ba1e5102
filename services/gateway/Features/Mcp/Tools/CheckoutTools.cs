using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json;
using Cmp.Gateway.Features.Acp.Checkout;
using Cmp.Gateway.Features.Acp.Idempotency;
using Cmp.Gateway.Features.Acp.Protocol;
using Cmp.Gateway.Infrastructure.Commerce.Saleor;
using Cmp.Hosting.Auth;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace Cmp.Gateway.Features.Mcp.Tools;

/// <summary>
/// Buying through MCP: the same checkout sessions as ACP (a Saleor checkout each), owned by the signed-in buyer and
/// in their e-mail's name (which is the tenant the purchase is provisioned to). Paying takes a delegated single-use
/// token (<c>vt_…</c> from the test PSP's delegate_payment, or a Stripe <c>spt_…</c>), never card numbers.
/// </summary>
[McpServerToolType]
public sealed class CheckoutTools
{
    static readonly JsonSerializerOptions StoreJson = new(JsonSerializerDefaults.Web);

    [McpServerTool(Name = "create_checkout", Title = "Create a checkout", Destructive = false, Idempotent = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Start a checkout for the signed-in buyer with the given SKUs. Physical goods need a shipping_address. Returns the cart with totals, shipping options, anything missing, and how to pay.")]
    public static async Task<CheckoutOut> CreateCheckout(CheckoutSessions sessions, McpContext mcp, ClaimsPrincipal? user,
        [Description("What to buy.")] ItemArg[] items,
        [Description("Where to ship physical goods (also the billing address).")] AddressArg? shipping_address = null,
        CancellationToken ct = default)
    {
        if (items is not { Length: > 0 }) throw new McpException("items needs at least one {sku, quantity}.");
        var email = McpContext.BuyerEmail(user);
        var cmd = new CreateSessionCommand(Items(items), new BuyerInput(null, null, user?.FindFirst("name")?.Value, email, null), Address(shipping_address),
            null, ["3ds"]);
        var r = await sessions.CreateAsync(McpContext.Owner(user), AcpVersion.V20260417, cmd, AcpTexts.DefaultLocale, ct);
        return r.TryGetValue(out var view, out var error) ? mcp.Render(view) : throw McpContext.Fail(error);
    }

    [McpServerTool(Name = "get_checkout", Title = "Read a checkout", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("The current state of one of your checkouts: cart, totals, messages, next step, and the order once completed.")]
    public static async Task<CheckoutOut> GetCheckout(CheckoutSessions sessions, McpContext mcp, ClaimsPrincipal? user,
        [Description("The checkout_id from create_checkout.")] string checkout_id, CancellationToken ct = default)
    {
        var r = await sessions.GetAsync(McpContext.Owner(user), checkout_id, AcpTexts.DefaultLocale, ct);
        return r.TryGetValue(out var view, out var error) ? mcp.Render(view) : throw McpContext.Fail(error);
    }

    [McpServerTool(Name = "update_checkout", Title = "Change a checkout", Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Change a checkout: items replaces the whole cart; shipping_address sets where to ship; fulfillment_option_id picks a shipping option from fulfillment_options.")]
    public static async Task<CheckoutOut> UpdateCheckout(CheckoutSessions sessions, McpContext mcp, ClaimsPrincipal? user,
        [Description("The checkout_id.")] string checkout_id,
        [Description("The new cart (replaces every item).")] ItemArg[]? items = null,
        AddressArg? shipping_address = null,
        [Description("The id of a shipping option from fulfillment_options.")] string? fulfillment_option_id = null,
        CancellationToken ct = default)
    {
        var cmd = new UpdateSessionCommand(items is null ? null : Items(items), null, Address(shipping_address),
            fulfillment_option_id is null ? null : [fulfillment_option_id], "fulfillment_option_id");
        var r = await sessions.UpdateAsync(McpContext.Owner(user), checkout_id, cmd, AcpTexts.DefaultLocale, ct);
        return r.TryGetValue(out var view, out var error) ? mcp.Render(view) : throw McpContext.Fail(error);
    }

    [McpServerTool(Name = "complete_checkout", Title = "Pay and place the order", Destructive = false, Idempotent = true, OpenWorld = true, UseStructuredContent = true)]
    [Description("Pay for a ready checkout with a delegated payment token and place the order. Requires an idempotency_key: calling again with the same key and arguments returns the same result and never charges twice. Confirm the total with the buyer first.")]
    public static async Task<CheckoutOut> CompleteCheckout(CompleteCheckout complete, IdempotencyStore idempotency, McpContext mcp, ClaimsPrincipal? user,
        [Description("The checkout_id.")] string checkout_id,
        [Description("A unique key for this payment attempt (e.g. a UUID); reuse it only to retry the same call.")] string idempotency_key,
        [Description("The delegated single-use token: vt_… from the test PSP's delegate_payment, or a Stripe shared payment token spt_….")] string payment_token,
        [Description("Billing address; needed when the checkout has no address (digital goods).")] AddressArg? billing_address = null,
        [Description("Only after a 3-D Secure challenge: the authentication result.")] AuthenticationArg? authentication_result = null,
        CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(idempotency_key) || idempotency_key.Length > 255)
            throw new McpException("idempotency_key is required (1 to 255 characters): use a fresh UUID per payment attempt.");
        var owner = McpContext.Owner(user);
        var args = JsonSerializer.SerializeToUtf8Bytes(new { checkout_id, payment_token, billing_address, authentication_result }, StoreJson);
        var decision = await idempotency.BeginAsync(owner, $"mcp complete_checkout {checkout_id}", idempotency_key, CanonicalJson.Fingerprint(args), ct);
        switch (decision)
        {
            case IdempotencyDecision.Replay replay:
                return JsonSerializer.Deserialize<CheckoutOut>(replay.Response.Body, StoreJson)!;
            case IdempotencyDecision.Conflict:
                throw new McpException("This idempotency_key was already used with other arguments; use a new key for a new payment attempt.");
            case IdempotencyDecision.InFlight:
                throw new McpException("A complete_checkout with this idempotency_key is still running; call again in a second with the same key.");
        }
        var owned = (IdempotencyDecision.Proceed)decision;
        try
        {
            var auth = authentication_result is { } a
                ? new AuthenticationInput(a.Outcome, a.ThreeDsCryptogram, a.ElectronicCommerceIndicator, a.TransactionId, a.Version)
                : null;
            var cmd = new CompleteSessionCommand(new PaymentInput(payment_token.Trim(), null, Address(billing_address)),
                new BuyerInput(null, null, null, McpContext.BuyerEmail(user), null), auth);
            var r = await complete.CompleteAsync(owner, checkout_id, cmd, AcpVersion.V20260417, AcpTexts.DefaultLocale, ct);
            if (!r.TryGetValue(out var view, out var error))
            {
                // A failed call is not remembered: retrying with the key runs it again, which the payment attempts make
                // safe (the same charge is re-sent with its provider key, never a second one).
                await idempotency.AbandonAsync(owned.RowId);
                throw McpContext.Fail(error);
            }
            var output = mcp.Render(view);
            await idempotency.CompleteAsync(owned.RowId, new AcpResponse(200, JsonSerializer.SerializeToUtf8Bytes(output, StoreJson)), CancellationToken.None);
            return output;
        }
        catch (Exception e) when (e is not McpException)
        {
            await idempotency.AbandonAsync(owned.RowId);
            throw;
        }
    }

    [McpServerTool(Name = "cancel_checkout", Title = "Cancel a checkout", Destructive = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Cancel a checkout that has not been paid.")]
    public static async Task<CheckoutOut> CancelCheckout(CheckoutSessions sessions, McpContext mcp, ClaimsPrincipal? user,
        [Description("The checkout_id.")] string checkout_id, CancellationToken ct = default)
    {
        var r = await sessions.CancelAsync(McpContext.Owner(user), checkout_id, AcpTexts.DefaultLocale, ct);
        return r.TryGetValue(out var view, out var error) ? mcp.Render(view) : throw McpContext.Fail(error);
    }

    [McpServerTool(Name = "get_order", Title = "Read an order", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("An order of yours, fresh from the shop: status, lines and what has been fulfilled. Give the order_id, or the checkout_id it came from.")]
    public static async Task<OrderOut> GetOrder(SessionStore store, SaleorCommerce saleor, McpContext mcp, ClaimsPrincipal? user,
        [Description("The order id (from complete_checkout's order).")] string? order_id = null,
        [Description("Or the checkout it was placed from.")] string? checkout_id = null,
        CancellationToken ct = default)
    {
        var owner = McpContext.Owner(user);
        var session = checkout_id is not null ? await store.FindAsync(checkout_id, owner, ct)
            : order_id is not null ? await store.FindByOrderAsync(order_id, owner, ct)
            : throw new McpException("Give order_id or checkout_id.");
        var orderId = session?.OrderId ?? order_id;
        if (checkout_id is not null && session?.OrderId is null)
            throw new McpException($"Checkout {checkout_id} has no order (it is not completed, or not yours).");
        var read = await saleor.GetOrderAsync(orderId!, ct);
        if (!read.TryGetValue(out var order, out var error)) throw McpContext.Fail(error);
        // Orders placed elsewhere (the storefront) are the buyer's when their e-mail is on them.
        if (order is null || (session is null && !string.Equals(order.UserEmail, user?.Email(), StringComparison.OrdinalIgnoreCase)))
            throw new McpException($"There is no order {orderId} of yours.");
        return McpMapping.Order(OrderMapping.FromSaleor(order, session?.Id ?? "", mcp.Acp.Merchant));
    }

    static IReadOnlyList<ItemInput> Items(ItemArg[] items)
    {
        var list = new List<ItemInput>();
        for (var i = 0; i < items.Length; i++)
        {
            var it = items[i] ?? throw new McpException($"items[{i}] is empty.");
            if (string.IsNullOrWhiteSpace(it.Sku)) throw new McpException($"items[{i}].sku is required.");
            if (it.Quantity is < 1 or > 10_000) throw new McpException($"items[{i}].quantity must be from 1 to 10000.");
            list.Add(new ItemInput(it.Sku.Trim(), it.Quantity, $"items[{i}]"));
        }
        return list;
    }

    static AddressInput? Address(AddressArg? a)
    {
        if (a is null) return null;
        foreach (var (value, name) in new[] { (a.Name, "name"), (a.LineOne, "line_one"), (a.City, "city"), (a.State, "state"), (a.Country, "country"), (a.PostalCode, "postal_code") })
            if (string.IsNullOrWhiteSpace(value)) throw new McpException($"The address needs {name}.");
        if (a.Country.Trim().Length != 2) throw new McpException("country must be an ISO 3166-1 alpha-2 code such as US.");
        return new AddressInput(a.Name, a.LineOne, a.LineTwo, a.City, a.State, a.Country, a.PostalCode, null, a.Phone);
    }
}
