using System.Text.Json;
using Cmp.Gateway.Features.Acp.Protocol;
using Cmp.Gateway.Features.Payments;
using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Cmp.Gateway.Infrastructure.Commerce.Saleor;
using Cmp.Primitives;
using Cmp.Saleor.Client;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Features.Acp.Checkout;

/// <summary>
/// Create, read, update and cancel checkout sessions. A session is a Saleor checkout: every change is a Saleor
/// mutation and every answer is computed from the checkout Saleor returns (<see cref="SessionProjector"/>). Problems
/// the caller can fix (stock, an invalid address or e-mail, a missing shipping choice) come back as messages on a
/// valid session; only requests that cannot produce a session are errors.
/// </summary>
public sealed class CheckoutSessions(
    SaleorCommerce saleor,
    SessionStore store,
    PaymentAttempts attempts,
    IOptions<AcpOptions> options,
    TimeProvider clock,
    ILogger<CheckoutSessions> log)
{
    AcpOptions O => options.Value;

    public async Task<Result<CheckoutSessionView>> CreateAsync(string owner, AcpVersion version, CreateSessionCommand cmd, string locale, CancellationToken ct)
    {
        var items = Merge(cmd.Items);
        var variants = await ResolveAsync(items, locale, ct);
        if (!variants.IsSuccess) return variants.Error;
        var byKey = variants.Value;

        var currency = byKey.Values.Select(v => v.Pricing?.Price?.Currency).FirstOrDefault(c => c is not null);
        if (cmd.Currency is { } wanted && currency is not null && !string.Equals(wanted, currency, StringComparison.OrdinalIgnoreCase))
            return AcpErrors.Invalid("unsupported_currency", AcpTexts.Get(locale, "err.currency", currency.ToLowerInvariant(), wanted), "$.currency");

        var messages = new List<SessionMessage>();
        var lines = new List<SaleorLineInput>();
        foreach (var item in items)
        {
            var v = byKey[item.Sku];
            if (StockMessage(v, item.Quantity, locale) is { } refused) messages.Add(refused);
            else lines.Add(new SaleorLineInput(v.Id, item.Quantity));
        }

        var shippingRequired = byKey.Values.Any(v => v.Product.ProductType?.IsShippingRequired == true);
        var address = cmd.FulfillmentAddress is { } a ? SaleorMapping.ToSaleor(a) : null;
        var email = cmd.Buyer?.Email;
        var metadata = new Dictionary<string, string> { ["acp.platform"] = owner.StartsWith("platform:", StringComparison.Ordinal) ? owner[9..] : "mcp" };

        var created = await saleor.CreateCheckoutAsync(O.Channel, lines, email, shippingRequired ? address : null, address, metadata, ct);
        // Saleor refuses the whole create for one bad field; keep what is valid and say what was not.
        if (!created.IsSuccess && address is not null && SaleorMapping.IsAddressError(created.Error))
        {
            messages.Add(AddressMessage(created.Error, locale));
            created = await saleor.CreateCheckoutAsync(O.Channel, lines, email, null, null, metadata, ct);
        }
        if (!created.IsSuccess && email is not null && created.Error.SaleorErrors().Any(e => e.Field == "email"))
        {
            messages.Add(new SessionMessage(MessageKind.Error, "invalid", ParamTarget.BuyerEmail, AcpTexts.Get(locale, "msg.invalid_email")) { Resolution = "requires_buyer_input" });
            created = await saleor.CreateCheckoutAsync(O.Channel, lines, null, null, null, metadata, ct);
        }
        if (!created.IsSuccess) return CreateFailure(created.Error, locale);

        var checkout = await AutoSelectShippingAsync(created.Value, ct);
        var now = clock.GetUtcNow();
        var row = new CheckoutSessionRow
        {
            Id = SessionIds.NewSession(), Owner = owner, ApiVersion = version.ToWire(), SaleorCheckoutId = checkout.Id, Channel = O.Channel,
            Currency = checkout.TotalPrice.Currency.ToLowerInvariant(), Status = SessionRowStatus.Open,
            Buyer = BuyerJson(cmd.Buyer), AgentCapabilities = cmd.AgentInterventions is null ? null : JsonSerializer.Serialize(cmd.AgentInterventions),
            Locale = locale, CreatedAt = now, UpdatedAt = now, ExpiresAt = now + O.Checkout.SessionLifetime,
        };
        var view = SessionProjector.Project(row, checkout, O, now, locale, messages);
        row.LastQuotedTotal = view.Totals.Total;
        row.Snapshot = SessionProjector.Snapshot(view);
        await store.InsertAsync(row, ct);
        log.LogInformation("Checkout session {SessionId} created for {Owner} on Saleor checkout {CheckoutId}: {Lines} lines, {Status}",
            row.Id, owner, checkout.Id, view.Lines.Count, view.Status);
        return view;
    }

    public async Task<Result<CheckoutSessionView>> GetAsync(string owner, string id, string locale, CancellationToken ct)
    {
        var row = await store.FindAsync(id, owner, ct);
        if (row is null) return NotFound(id, locale);
        return await ViewAsync(row, locale, ct);
    }

    /// <summary>The session as it is now: terminal sessions from their snapshot, open ones from Saleor.</summary>
    public async Task<Result<CheckoutSessionView>> ViewAsync(CheckoutSessionRow row, string locale, CancellationToken ct, IReadOnlyList<SessionMessage>? extra = null)
    {
        if (SessionRowStatus.IsTerminal(row.Status)) return SessionProjector.FromSnapshot(row, O);
        var checkout = await saleor.GetCheckoutAsync(row.SaleorCheckoutId, ct);
        if (!checkout.IsSuccess) return checkout.Error;
        if (checkout.Value is null)
        {
            // Saleor forgot the checkout (its own expiry): what was last shown, as expired.
            var last = SessionProjector.FromSnapshot(row, O);
            return last with { Status = SessionStatus.Expired, Order = null };
        }
        return SessionProjector.Project(row, checkout.Value, O, clock.GetUtcNow(), locale, extra);
    }

    public async Task<Result<CheckoutSessionView>> UpdateAsync(string owner, string id, UpdateSessionCommand cmd, string locale, CancellationToken ct)
    {
        var row = await store.FindAsync(id, owner, ct);
        if (row is null) return NotFound(id, locale);
        if (Closed(row, locale) is { } closed) return closed;

        var current = await saleor.GetCheckoutAsync(row.SaleorCheckoutId, ct);
        if (!current.IsSuccess) return current.Error;
        if (current.Value is null) return Expired(row, locale);
        var checkout = current.Value;
        var messages = new List<SessionMessage>();

        if (cmd.Items is not null)
        {
            var changed = await ReplaceLinesAsync(checkout, Merge(cmd.Items), messages, locale, ct);
            if (!changed.IsSuccess) return changed.Error;
            checkout = changed.Value;
        }
        if (cmd.Buyer?.Email is { } email && !string.Equals(email, checkout.Email, StringComparison.OrdinalIgnoreCase))
        {
            var r = await saleor.UpdateEmailAsync(checkout.Id, email, ct);
            if (r.IsSuccess) checkout = r.Value;
            else if (r.Error.Kind == ErrorKind.Validation)
                messages.Add(new SessionMessage(MessageKind.Error, "invalid", ParamTarget.BuyerEmail, AcpTexts.Get(locale, "msg.invalid_email")) { Resolution = "requires_buyer_input" });
            else return r.Error;
        }
        if (cmd.FulfillmentAddress is { } address)
        {
            var r = await SetAddressAsync(checkout, SaleorMapping.ToSaleor(address), ct);
            if (r.IsSuccess) checkout = r.Value;
            else if (r.Error.Kind == ErrorKind.Validation) messages.Add(AddressMessage(r.Error, locale));
            else return r.Error;
        }
        if (cmd.SelectedOptionIds is { } optionIds)
        {
            var r = await SelectShippingAsync(checkout, optionIds, cmd.SelectedOptionParam, messages, locale, ct);
            if (!r.IsSuccess) return r.Error;
            checkout = r.Value;
        }
        checkout = await AutoSelectShippingAsync(checkout, ct);

        // Changing what is bought voids a pending 3-D Secure challenge for the old amount.
        if (row.Status == SessionRowStatus.AuthenticationRequired)
        {
            await attempts.AbandonAuthenticationAsync(row.Id, ct);
            row.Status = SessionRowStatus.Open;
            row.Authentication = null;
        }
        var buyerJson = cmd.Buyer is null ? null : BuyerJson(MergeBuyer(row.Buyer, cmd.Buyer));
        if (buyerJson is not null) row.Buyer = buyerJson;
        var view = SessionProjector.Project(row, checkout, O, clock.GetUtcNow(), locale, messages);
        await store.SaveShownAsync(row.Id, view, buyerJson, ct);
        return view;
    }

    public async Task<Result<CheckoutSessionView>> CancelAsync(string owner, string id, string locale, CancellationToken ct)
    {
        var row = await store.FindAsync(id, owner, ct);
        if (row is null) return NotFound(id, locale);
        if (SessionRowStatus.IsTerminal(row.Status))
            return AcpErrors.Invalid("session_not_cancelable", AcpTexts.Get(locale, "err.not_cancelable", id, row.Status), status: 405);
        var current = await ViewAsync(row, locale, ct);
        if (!current.IsSuccess) return current.Error;
        if (!await store.CancelAsync(row.Id, current.Value, ct))
        {
            // Completed (or canceled) meanwhile, or a complete holds the session right now.
            var again = await store.FindAsync(id, owner, ct);
            return AcpErrors.Invalid("session_not_cancelable", AcpTexts.Get(locale, "err.not_cancelable", id, again?.Status ?? "busy"), status: 405);
        }
        await attempts.AbandonAuthenticationAsync(row.Id, ct);
        log.LogInformation("Checkout session {SessionId} canceled by {Owner}", id, owner);
        return current.Value with { Status = SessionStatus.Canceled, Messages = [], Authentication = null, UpdatedAt = clock.GetUtcNow() };
    }

    // ---- lines ----

    static IReadOnlyList<ItemInput> Merge(IReadOnlyList<ItemInput> items) =>
        items.GroupBy(i => i.Sku, StringComparer.Ordinal).Select(g => g.First() with { Quantity = g.Sum(i => i.Quantity) }).ToArray();

    /// <summary>The Saleor variant behind every SKU, or a 400 naming the first unknown or non-purchasable one.</summary>
    async Task<Result<Dictionary<string, CatalogVariantInfo>>> ResolveAsync(IReadOnlyList<ItemInput> items, string locale, CancellationToken ct)
    {
        if (items.Count == 0) return new Dictionary<string, CatalogVariantInfo>();
        var found = await saleor.VariantsBySkusAsync(items.Select(i => i.Sku).ToArray(), O.Channel, ct);
        if (!found.IsSuccess) return found.Error;
        var bySku = found.Value.Where(v => v.Sku is not null).ToDictionary(v => v.Sku!, StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (!bySku.TryGetValue(item.Sku, out var v) || v.Pricing?.Price is null || v.Product.IsAvailableForPurchase == false)
                return AcpErrors.Invalid("invalid_item_id", AcpTexts.Get(locale, "err.unknown_item", item.Sku), item.Param + ".id");
            if (!SessionProjector.CheckoutEnabled(v.Product.Metadata))
                return AcpErrors.Invalid("item_not_purchasable", AcpTexts.Get(locale, "err.item_not_purchasable", item.Sku), item.Param + ".id");
        }
        return bySku;
    }

    /// <summary>Saleor's own stock answer (<c>quantityAvailable</c>: stock for tracked variants, the per-checkout limit
    /// otherwise), checked before asking for the line, so one unavailable item does not sink the others.</summary>
    static SessionMessage? StockMessage(CatalogVariantInfo v, int quantity, string locale)
    {
        if (v.QuantityAvailable is not { } available || quantity <= available) return null;
        var name = v.Product.Name;
        return v.TrackInventory
            ? new SessionMessage(MessageKind.Error, "out_of_stock", null, AcpTexts.Get(locale, "msg.out_of_stock", name, Math.Max(available, 0), quantity)) { Resolution = "recoverable" }
            : new SessionMessage(MessageKind.Error, "invalid", null, AcpTexts.Get(locale, "msg.quantity_limit", name, available)) { Resolution = "recoverable" };
    }

    /// <summary>Makes the checkout hold exactly <paramref name="wanted"/> (full replacement, the natural reading of an
    /// update's item list): absolute quantities for lines kept (0 removes), then the new lines.</summary>
    async Task<Result<SaleorCheckout>> ReplaceLinesAsync(SaleorCheckout checkout, IReadOnlyList<ItemInput> wanted, List<SessionMessage> messages,
        string locale, CancellationToken ct)
    {
        var resolved = await ResolveAsync(wanted, locale, ct);
        if (!resolved.IsSuccess) return resolved.Error;
        var byKey = resolved.Value;
        var updates = new List<SaleorLineUpdate>();
        var adds = new List<SaleorLineInput>();
        foreach (var line in checkout.Lines)
        {
            var want = wanted.FirstOrDefault(w => w.Sku == line.Variant.Sku);
            var quantity = want?.Quantity ?? 0;
            if (want is not null && StockMessage(byKey[want.Sku], quantity, locale) is { } refused)
            {
                messages.Add(refused);
                continue;   // keep the line as it is
            }
            if (quantity != line.Quantity) updates.Add(new SaleorLineUpdate(line.Id, quantity));
        }
        foreach (var item in wanted.Where(w => checkout.Lines.All(l => l.Variant.Sku != w.Sku)))
        {
            var v = byKey[item.Sku];
            if (StockMessage(v, item.Quantity, locale) is { } refused) messages.Add(refused);
            else adds.Add(new SaleorLineInput(v.Id, item.Quantity));
        }
        if (updates.Count > 0)
        {
            var r = await saleor.UpdateLinesAsync(checkout.Id, updates, ct);
            if (!r.IsSuccess) return StockRace(r.Error, locale);
            checkout = r.Value;
        }
        if (adds.Count > 0)
        {
            var r = await saleor.AddLinesAsync(checkout.Id, adds, ct);
            if (!r.IsSuccess) return StockRace(r.Error, locale);
            checkout = r.Value;
        }
        return checkout;
    }

    /// <summary>Stock sold between our check and Saleor's: nothing changed in Saleor, so ask the caller to retry.</summary>
    static Error StockRace(Error e, string locale) =>
        SaleorMapping.StockProblems(e) is { Count: > 0 } problems
            ? AcpErrors.Invalid("out_of_stock", problems[0].Message, status: 409)
            : e.Kind == ErrorKind.Validation ? AcpErrors.Invalid("invalid_items", e.Message) : e;

    // ---- addresses and shipping ----

    async Task<Result<SaleorCheckout>> SetAddressAsync(SaleorCheckout checkout, SaleorAddressInput address, CancellationToken ct)
    {
        if (checkout.IsShippingRequired)
        {
            var shipped = await saleor.UpdateShippingAddressAsync(checkout.Id, address, ct);
            if (!shipped.IsSuccess) return shipped;
            checkout = shipped.Value;
        }
        // The fulfilment address doubles as the billing address until payment_data brings its own (Saleor needs one).
        return await saleor.UpdateBillingAddressAsync(checkout.Id, address, ct);
    }

    async Task<Result<SaleorCheckout>> SelectShippingAsync(SaleorCheckout checkout, IReadOnlyList<string> optionIds, string param,
        List<SessionMessage> messages, string locale, CancellationToken ct)
    {
        var shippingIds = optionIds.Where(o => o != SessionIds.DigitalOption).ToArray();
        if (shippingIds.Length == 0) return checkout;
        var method = checkout.ShippingMethods.FirstOrDefault(m => m.Active && SessionIds.ShippingOption(m.Id) == shippingIds[0]);
        if (shippingIds.Length > 1 || method is null)
        {
            messages.Add(new SessionMessage(MessageKind.Error, "invalid", ParamTarget.FulfillmentOption,
                AcpTexts.Get(locale, "msg.invalid_fulfillment", shippingIds[^1])) { Resolution = "recoverable" });
            return checkout;
        }
        if (checkout.Delivery?.ShippingMethod?.Id == method.Id) return checkout;
        var r = await saleor.UpdateDeliveryMethodAsync(checkout.Id, method.Id, ct);
        return r.IsSuccess || r.Error.Kind != ErrorKind.Validation ? r : AcpErrors.Invalid("invalid_fulfillment_option", r.Error.Message, param);
    }

    /// <summary>Once there is an address and no choice, the cheapest method (as agents expect, and OpenAI's examples show).</summary>
    async Task<SaleorCheckout> AutoSelectShippingAsync(SaleorCheckout checkout, CancellationToken ct)
    {
        if (!O.Checkout.AutoSelectCheapestShipping || !checkout.IsShippingRequired || checkout.Delivery?.ShippingMethod is not null) return checkout;
        var cheapest = checkout.ShippingMethods.Where(m => m.Active).OrderBy(m => m.Price.Amount).ThenBy(m => m.Name, StringComparer.Ordinal).FirstOrDefault();
        if (cheapest is null) return checkout;
        var r = await saleor.UpdateDeliveryMethodAsync(checkout.Id, cheapest.Id, ct);
        return r.IsSuccess ? r.Value : checkout;   // not choosing is fine: the session says a choice is missing
    }

    static SessionMessage AddressMessage(Error e, string locale)
    {
        var first = e.SaleorErrors().FirstOrDefault(x => SaleorMapping.AcpField(x.Field) is not null) ?? e.SaleorErrors().FirstOrDefault();
        var field = SaleorMapping.AcpField(first?.Field);
        var what = field is null ? first?.Message ?? e.Message : $"{field}: {first!.Message}";
        return new SessionMessage(MessageKind.Error, "invalid", ParamTarget.Address(field), AcpTexts.Get(locale, "msg.invalid_address", what))
            { Resolution = "requires_buyer_input" };
    }

    // ---- helpers ----

    Result<CheckoutSessionView> CreateFailure(Error e, string locale)
    {
        if (SaleorMapping.StockProblems(e) is { Count: > 0 } stock) return AcpErrors.Invalid("out_of_stock", stock[0].Message, status: 409);
        return e.Kind == ErrorKind.Validation ? AcpErrors.Invalid("invalid_request", AcpTexts.Get(locale, "err.invalid_body", e.Message)) : e;
    }

    static Error NotFound(string id, string locale) =>
        new Error("checkout_session_not_found", AcpTexts.Get(locale, "err.not_found", id), ErrorKind.NotFound);

    Error? Closed(CheckoutSessionRow row, string locale)
    {
        if (SessionRowStatus.IsTerminal(row.Status))
            return AcpErrors.Invalid("checkout_session_closed", AcpTexts.Get(locale, "err.session_closed", row.Id, row.Status));
        return clock.GetUtcNow() >= row.ExpiresAt ? Expired(row, locale) : null;
    }

    static Error Expired(CheckoutSessionRow row, string locale) =>
        AcpErrors.Invalid("checkout_session_expired", AcpTexts.Get(locale, "err.expired", row.Id));

    static SessionBuyer MergeBuyer(string? existingJson, BuyerInput b)
    {
        var old = existingJson is { Length: > 0 } j ? JsonSerializer.Deserialize<SessionBuyer>(j, new JsonSerializerOptions(JsonSerializerDefaults.Web)) : null;
        return new SessionBuyer(b.FirstName ?? old?.FirstName, b.LastName ?? old?.LastName, b.FullName ?? old?.FullName, null, b.Phone ?? old?.Phone);
    }

    static string? BuyerJson(BuyerInput? b) => b is null ? null : BuyerJson(new SessionBuyer(b.FirstName, b.LastName, b.FullName, null, b.Phone));

    static string BuyerJson(SessionBuyer b) => SessionProjector.Serialize(b);
}
