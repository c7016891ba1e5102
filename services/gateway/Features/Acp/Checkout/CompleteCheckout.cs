using Cmp.Gateway.Features.Acp.OrderEvents;
using Cmp.Gateway.Features.Acp.Protocol;
using Cmp.Gateway.Features.Payments;
using Cmp.Gateway.Infrastructure.Commerce;
using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Cmp.Gateway.Infrastructure.Commerce.Saleor;
using Cmp.Primitives;
using Cmp.Saleor.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Features.Acp.Checkout;

/// <summary>
/// Completes a session: charge the delegated credential, record the charge on the Saleor checkout, complete the
/// checkout into an order. Safe against retries, crashes and concurrent completes:
/// <list type="bullet">
/// <item>One complete at a time per session (a lease on the session row); a second one waits, then sees the result.</item>
/// <item>A payment attempt is written before the provider is called and carries the provider's idempotency key, so
/// a retry after an unclear failure re-sends the same charge rather than a new one; a partial unique index allows one
/// successful attempt per session.</item>
/// <item><c>transactionCreate</c> (not idempotent) runs only after checking the checkout's transactions for the PSP
/// reference, and its id is recorded; <c>checkoutComplete</c> is idempotent in Saleor.</item>
/// <item>Nothing is charged for a session that is not ready, whose total changed since it was last shown, or whose
/// credential is refused; if Saleor refuses the order after the charge, the money is refunded.</item>
/// </list>
/// The session row, its snapshot and the <c>order_create</c> event commit in one transaction.
/// </summary>
public sealed class CompleteCheckout(
    SaleorCommerce saleor,
    CheckoutSessions sessions,
    SessionStore store,
    PaymentAttempts attempts,
    PaymentProviders providers,
    IDbContextFactory<CommerceDbContext> dbs,
    IOptions<AcpOptions> options,
    TimeProvider clock,
    ILogger<CompleteCheckout> log)
{
    AcpOptions O => options.Value;

    public async Task<Result<CheckoutSessionView>> CompleteAsync(string owner, string id, CompleteSessionCommand cmd, AcpVersion version,
        string locale, CancellationToken requestAborted)
    {
        var row = await store.FindAsync(id, owner, requestAborted);
        if (row is null) return new Error("checkout_session_not_found", AcpTexts.Get(locale, "err.not_found", id), ErrorKind.NotFound);
        if (row.Status == SessionRowStatus.Completed) return SessionProjector.FromSnapshot(row, O);
        if (row.Status == SessionRowStatus.Canceled)
            return AcpErrors.Invalid("checkout_session_closed", AcpTexts.Get(locale, "err.session_closed", id, row.Status));
        if (clock.GetUtcNow() >= row.ExpiresAt) return AcpErrors.Invalid("checkout_session_expired", AcpTexts.Get(locale, "err.expired", id));

        var provider = cmd.Payment.HandlerId is { } handler ? providers.ForHandler(handler) : providers.ForToken(cmd.Payment.Token);
        if (provider is null)
            return cmd.Payment.HandlerId is { } h
                ? AcpErrors.Invalid("unknown_payment_handler", AcpTexts.Get(locale, "err.unknown_handler", h), "$.payment_data.handler_id")
                : AcpErrors.Invalid("unsupported_payment_token", AcpTexts.Get(locale, "err.unsupported_payment",
                    "This payment token is not one an enabled payment provider can charge."), "$.payment_data.token");
        if (!provider.Accepts(cmd.Payment.Token))
            return AcpErrors.Invalid("invalid_payment_credential", AcpTexts.Get(locale, "err.unsupported_payment",
                $"The credential is not a token of payment handler '{provider.HandlerId}'."), "$.payment_data.instrument.credential.token");
        if (row.Status == SessionRowStatus.AuthenticationRequired && cmd.Authentication is null && version >= AcpVersion.V20260417)
            return AcpErrors.Invalid("requires_3ds", AcpTexts.Get(locale, "err.requires_3ds"), "$.authentication_result");

        // From here on the work must not stop halfway because the caller hung up: money may move.
        var ct = CancellationToken.None;
        var lease = await AcquireAsync(row.Id, requestAborted);
        if (lease is LeaseOutcome.Busy)
            return new Error("complete_in_progress", AcpTexts.Get(locale, "err.complete_in_progress"), ErrorKind.Conflict)
                .With(AcpErrors.StatusKey, 409);
        try
        {
            row = await store.FindAsync(id, owner, ct) ?? row;
            if (row.Status == SessionRowStatus.Completed) return SessionProjector.FromSnapshot(row, O);
            if (row.Status == SessionRowStatus.Canceled)
                return AcpErrors.Invalid("checkout_session_closed", AcpTexts.Get(locale, "err.session_closed", id, row.Status));
            return await RunAsync(row, provider, cmd, version, locale, ct);
        }
        finally
        {
            await ReleaseAsync(row.Id);
        }
    }

    async Task<Result<CheckoutSessionView>> RunAsync(CheckoutSessionRow row, IPaymentProvider provider, CompleteSessionCommand cmd,
        AcpVersion version, string locale, CancellationToken ct)
    {
        var succeeded = await attempts.SucceededAsync(row.Id, ct);
        var read = await saleor.GetCheckoutAsync(row.SaleorCheckoutId, ct);
        if (!read.IsSuccess) return read.Error;
        if (read.Value is null)
        {
            // Saleor turns a completed checkout into an order and forgets it. If we charged, a crash hit between
            // checkoutComplete and our commit: Saleor replays the order. Otherwise the checkout simply expired.
            if (succeeded?.SaleorTransactionId is not null) return await PlaceOrderAsync(row, null, succeeded, provider, locale, ct);
            return AcpErrors.Invalid("checkout_session_expired", AcpTexts.Get(locale, "err.expired", row.Id));
        }
        var checkout = read.Value;

        if (succeeded is null)
        {
            var prepared = await PrepareAsync(row, checkout, cmd, locale, ct);
            if (!prepared.IsSuccess) return prepared.Error;
            checkout = prepared.Value;
            var view = SessionProjector.Project(row, checkout, O, clock.GetUtcNow(), locale);
            if (view.Status == SessionStatus.NotReadyForPayment) return await ShowAsync(row, view, ct);
            if (row.LastQuotedTotal != view.Totals.Total)
            {
                var total = new Money(view.Totals.Total, view.Currency.ToUpperInvariant());
                log.LogInformation("Session {SessionId}: total changed from {Quoted} to {Total} since last shown; not charging", row.Id, row.LastQuotedTotal, view.Totals.Total);
                return await ShowAsync(row, view with
                {
                    Messages = [.. view.Messages, new SessionMessage(MessageKind.Warning, "price_change", null,
                        AcpTexts.Get(locale, "msg.price_changed", total.ToString())) { Resolution = "requires_buyer_review" }],
                }, ct);
            }
            var charged = await ChargeAsync(row, provider, cmd, view, version, locale, ct);
            if (!charged.TryGetValue(out var step, out var error)) return error;
            if (step.Attempt is null) return await sessions.ViewAsync(row, locale, ct, step.Messages);
            succeeded = step.Attempt;
        }
        return await PlaceOrderAsync(row, checkout, succeeded, provider, locale, ct);
    }

    /// <summary>A charge's result: the succeeded attempt, or the messages saying why there is none (declined, 3-D Secure).</summary>
    sealed record ChargeStep(PaymentAttemptRow? Attempt, IReadOnlyList<SessionMessage> Messages);

    /// <summary>Buyer details and the billing address Saleor needs, given with the payment.</summary>
    async Task<Result<SaleorCheckout>> PrepareAsync(CheckoutSessionRow row, SaleorCheckout checkout, CompleteSessionCommand cmd, string locale, CancellationToken ct)
    {
        if (cmd.Buyer?.Email is { } email && !string.Equals(email, checkout.Email, StringComparison.OrdinalIgnoreCase))
        {
            var r = await saleor.UpdateEmailAsync(checkout.Id, email, ct);
            if (!r.IsSuccess)
                return r.Error.Kind == ErrorKind.Validation ? AcpErrors.Invalid("invalid_email", AcpTexts.Get(locale, "msg.invalid_email"), "$.buyer.email") : r.Error;
            checkout = r.Value;
        }
        if (cmd.Payment.BillingAddress is { } billing)
        {
            var r = await saleor.UpdateBillingAddressAsync(checkout.Id, SaleorMapping.ToSaleor(billing), ct);
            if (!r.IsSuccess)
            {
                if (r.Error.Kind != ErrorKind.Validation) return r.Error;
                var field = SaleorMapping.AcpField(r.Error.SaleorErrors().FirstOrDefault()?.Field);
                return AcpErrors.Invalid("invalid_billing_address", AcpTexts.Get(locale, "msg.invalid_address", r.Error.Message),
                    "$.payment_data.billing_address" + (field is null ? "" : "." + field));
            }
            checkout = r.Value;
        }
        else if (checkout.BillingAddress is null)
        {
            if (checkout.ShippingAddress is null)
                return AcpErrors.Invalid("missing_billing_address", AcpTexts.Get(locale, "err.missing_billing"), "$.payment_data.billing_address");
            var copy = checkout.ShippingAddress;
            var r = await saleor.UpdateBillingAddressAsync(checkout.Id, new SaleorAddressInput(copy.FirstName ?? "", copy.LastName ?? "", copy.CompanyName,
                copy.StreetAddress1 ?? "", copy.StreetAddress2, copy.City ?? "", copy.PostalCode ?? "", copy.Country?.Code ?? "", copy.CountryArea, copy.Phone), ct);
            if (!r.IsSuccess) return r.Error;
            checkout = r.Value;
        }
        return checkout;
    }

    /// <summary>Charges the session total. Returns the succeeded attempt, or null when the charge was refused or needs
    /// 3-D Secure (the session says why), or an error when the outcome is unknown (retry with the same key).</summary>
    async Task<Result<ChargeStep>> ChargeAsync(CheckoutSessionRow row, IPaymentProvider provider, CompleteSessionCommand cmd,
        CheckoutSessionView view, AcpVersion version, string locale, CancellationToken ct)
    {
        var amount = new Money(view.Totals.Total, view.Currency.ToUpperInvariant());
        var tokenHash = PaymentAttempts.TokenHash(cmd.Payment.Token);
        var open = await attempts.OpenAsync(row.Id, ct);
        PaymentAttemptRow attempt;
        string key;
        string? existing = null;
        if (open is not null && open.TokenHash == tokenHash && open.Amount == amount.Minor && open.Provider == provider.Id)
        {
            attempt = open;
            if (open.Status == AttemptStatus.RequiresAuthentication)
            {
                if (cmd.Authentication is { } auth && !new ThreeDsResult(auth.Outcome, null, null, null, null).Authenticated)
                    return await RefusedAsync(row, attempt, provider, "authentication_failed", $"3-D Secure ended '{auth.Outcome}'.", locale, ct);
                existing = open.PspReference;
                key = open.ProviderIdempotencyKey + "-3ds";
            }
            else key = open.ProviderIdempotencyKey;   // unknown outcome: the same request again, which the provider answers idempotently
        }
        else
        {
            if (open is not null) await SettleStaleAsync(open, ct);
            attempt = await attempts.StartAsync(row.Id, provider, cmd.Payment.Token, amount, ct);
            key = attempt.ProviderIdempotencyKey;
        }

        var auth3ds = cmd.Authentication is { } a ? new ThreeDsResult(a.Outcome, a.Cryptogram, a.ElectronicCommerceIndicator, a.TransactionId, a.Version) : null;
        var outcome = await provider.ChargeAsync(new ChargeRequest(row.Id, amount, cmd.Payment.Token, key, O.Merchant.Id, existing, auth3ds), ct);
        switch (outcome)
        {
            case ChargeOutcome.Succeeded s:
                await attempts.MarkAsync(attempt.Id, AttemptStatus.Succeeded, s.PspReference);
                log.LogInformation("Session {SessionId}: {Provider} charged {Amount} ({PspReference})", row.Id, provider.Id, amount, s.PspReference);
                attempt.Status = AttemptStatus.Succeeded;
                attempt.PspReference = s.PspReference;
                return new ChargeStep(attempt, []);
            case ChargeOutcome.Declined d:
                await attempts.MarkAsync(attempt.Id, AttemptStatus.Declined, code: d.Code, message: d.Message);
                log.LogInformation("Session {SessionId}: {Provider} declined {Amount}: {Code}", row.Id, provider.Id, amount, d.Code);
                await SetAuthenticationAsync(row.Id, null);
                row.Status = SessionRowStatus.Open;
                return new ChargeStep(null, [new SessionMessage(MessageKind.Error, "payment_declined", ParamTarget.PaymentData,
                    AcpTexts.Get(locale, "msg.payment_declined", d.Message)) { Resolution = "requires_buyer_input" }]);
            case ChargeOutcome.RequiresAuthentication r:
                await attempts.MarkAsync(attempt.Id, AttemptStatus.RequiresAuthentication, r.PspReference);
                if (version < AcpVersion.V20260417 || !view.AgentInterventions.Contains("3ds"))
                {
                    // 2025-09-29 cannot carry 3-D Secure, and an agent that did not declare it cannot run it.
                    var code = version < AcpVersion.V20260417 ? "requires_3ds" : "intervention_required";
                    await provider.CancelAsync(r.PspReference, attempt.ProviderIdempotencyKey + "-cancel", ct);
                    await attempts.MarkAsync(attempt.Id, AttemptStatus.Declined, code: code, message: "3-D Secure required");
                    return new ChargeStep(null, [new SessionMessage(MessageKind.Error, code, ParamTarget.PaymentData, AcpTexts.Get(locale, "msg.requires_3ds"))
                        { Resolution = "requires_buyer_input" }]);
                }
                await SetAuthenticationAsync(row.Id, r.Challenge);
                row.Status = SessionRowStatus.AuthenticationRequired;
                row.Authentication = SessionProjector.Serialize(r.Challenge);
                return new ChargeStep(null, [new SessionMessage(MessageKind.Info, "requires_3ds", ParamTarget.AuthenticationResult, AcpTexts.Get(locale, "msg.authenticate"))
                    { Resolution = "requires_buyer_input" }]);
            case ChargeOutcome.Failed f:
                // Unknown outcome: the attempt stays pending, and the next complete re-sends it with the same key.
                log.LogWarning("Session {SessionId}: {Provider} charge outcome unknown: {Error}", row.Id, provider.Id, f.Error);
                return f.Error;
            default:
                throw new InvalidOperationException($"Unknown charge outcome {outcome}");
        }
    }

    async Task<Result<ChargeStep>> RefusedAsync(CheckoutSessionRow row, PaymentAttemptRow attempt, IPaymentProvider provider, string code,
        string message, string locale, CancellationToken ct)
    {
        if (attempt.PspReference is { } psp) await provider.CancelAsync(psp, attempt.ProviderIdempotencyKey + "-cancel", ct);
        await attempts.MarkAsync(attempt.Id, AttemptStatus.Declined, code: code, message: message);
        await SetAuthenticationAsync(row.Id, null);
        row.Status = SessionRowStatus.Open;
        row.Authentication = null;
        return new ChargeStep(null, [new SessionMessage(MessageKind.Error, "payment_declined", ParamTarget.AuthenticationResult,
            AcpTexts.Get(locale, "msg.payment_declined", message)) { Resolution = "requires_buyer_input" }]);
    }

    /// <summary>A previous attempt with another credential or amount whose outcome is open: close it first, so two
    /// charges can never both be live.</summary>
    async Task SettleStaleAsync(PaymentAttemptRow open, CancellationToken ct)
    {
        if (open.PspReference is { } psp && providers.ById(open.Provider) is { } p)
            await p.CancelAsync(psp, open.ProviderIdempotencyKey + "-cancel", ct);
        await attempts.MarkAsync(open.Id, AttemptStatus.Failed, code: "superseded", message: "A new payment credential was used.");
    }

    /// <summary>Records the charge in Saleor (once) and completes the checkout into an order; refunds if Saleor refuses.</summary>
    async Task<Result<CheckoutSessionView>> PlaceOrderAsync(CheckoutSessionRow row, SaleorCheckout? checkout, PaymentAttemptRow attempt,
        IPaymentProvider provider, string locale, CancellationToken ct)
    {
        var amount = new Money(attempt.Amount, attempt.Currency.ToUpperInvariant());
        if (attempt.SaleorTransactionId is null && checkout is not null)
        {
            var recorded = await saleor.TransactionsAsync(checkout.Id, ct);
            if (!recorded.IsSuccess) return recorded.Error;
            var txId = recorded.Value.FirstOrDefault(t => t.PspReference == attempt.PspReference)?.Id;
            if (txId is null)
            {
                var created = await saleor.RecordChargeAsync(checkout.Id, amount, attempt.PspReference!, provider.Id, row.Id, ct);
                if (!created.IsSuccess)
                {
                    if (created.Error.Kind is ErrorKind.Transient or ErrorKind.Timeout) return created.Error;   // retry: checks the transactions again
                    return await RefundAsync(row, attempt, provider, null, created.Error, locale, ct);
                }
                txId = created.Value;
            }
            await attempts.SetTransactionAsync(attempt.Id, txId);
            attempt.SaleorTransactionId = txId;
        }

        var completed = await saleor.CompleteAsync(row.SaleorCheckoutId, new Dictionary<string, string>
        {
            ["acp.checkout_session_id"] = row.Id,
            ["acp.channel"] = row.Owner.StartsWith("platform:", StringComparison.Ordinal) ? row.Owner[9..] : "mcp",
        }, ct);
        if (!completed.IsSuccess)
        {
            if (completed.Error.Kind is ErrorKind.Transient or ErrorKind.Timeout) return completed.Error;   // checkoutComplete is idempotent: retry
            return await RefundAsync(row, attempt, provider, attempt.SaleorTransactionId, completed.Error, locale, ct);
        }

        var order = OrderMapping.FromSaleor(completed.Value, row.Id, O.Merchant);
        var shown = checkout is null ? SessionProjector.FromSnapshot(row, O) : SessionProjector.Project(row, checkout, O, clock.GetUtcNow(), locale);
        var view = shown with
        {
            Status = SessionStatus.Completed, Messages = [], Authentication = null,
            Order = new SessionOrder(order.Id, order.Number, order.PermalinkUrl, order.Status) { Detail = order },
        };
        await FinalizeAsync(row, view, order, ct);
        log.LogInformation("Session {SessionId} completed: Saleor order {OrderNumber} ({OrderId})", row.Id, order.Number, order.Id);
        return view;
    }

    /// <summary>Saleor refused the order after the money moved: give it back, tell Saleor (if the charge was recorded),
    /// and answer with the session and why.</summary>
    async Task<Result<CheckoutSessionView>> RefundAsync(CheckoutSessionRow row, PaymentAttemptRow attempt, IPaymentProvider provider,
        string? transactionId, Error cause, string locale, CancellationToken ct)
    {
        var amount = new Money(attempt.Amount, attempt.Currency.ToUpperInvariant());
        log.LogWarning("Session {SessionId}: Saleor refused the order after charging ({Cause}); refunding {Amount}", row.Id, cause, amount);
        var refunded = await provider.RefundAsync(attempt.PspReference!, amount, attempt.ProviderIdempotencyKey + "-refund", ct);
        if (!refunded.IsSuccess)
        {
            log.LogError("Session {SessionId}: refund of {PspReference} failed: {Error}. Needs a human.", row.Id, attempt.PspReference, refunded.Error);
            return refunded.Error;   // 5xx: the attempt stays succeeded; a retry tries the order (and the refund) again
        }
        if (transactionId is not null)
        {
            var reported = await saleor.ReportRefundAsync(transactionId, amount, attempt.PspReference + "-refund", ct);
            if (!reported.IsSuccess) log.LogWarning("Session {SessionId}: Saleor did not take the refund report: {Error}", row.Id, reported.Error);
        }
        await attempts.MarkAsync(attempt.Id, AttemptStatus.Refunded, code: cause.Code, message: cause.Message);
        return await sessions.ViewAsync(row, locale, ct, [new SessionMessage(MessageKind.Error, "payment_declined", ParamTarget.PaymentData,
            AcpTexts.Get(locale, "msg.refunded", cause.Message)) { Resolution = "recoverable" }]);
    }

    async Task<Result<CheckoutSessionView>> ShowAsync(CheckoutSessionRow row, CheckoutSessionView view, CancellationToken ct)
    {
        await store.SaveShownAsync(row.Id, view, null, ct);
        return view;
    }

    async Task FinalizeAsync(CheckoutSessionRow row, CheckoutSessionView view, OrderView order, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var tracked = await db.Sessions.SingleAsync(s => s.Id == row.Id, ct);
        tracked.Status = SessionRowStatus.Completed;
        tracked.OrderId = order.Id;
        tracked.OrderNumber = order.Number;
        tracked.OrderStatus = order.Status;
        tracked.Snapshot = SessionProjector.Snapshot(view);
        tracked.Authentication = null;
        tracked.LastQuotedTotal = view.Totals.Total;
        tracked.UpdatedAt = now;
        tracked.NextOrderCheckAt = now + O.OrderEvents.OrderPollInterval;
        if (OrderEventFactory.WebhookOf(row.Owner, O) is { } webhook)
            db.OrderEvents.Add(OrderEventFactory.Create(tracked, order, webhook.OrderCreateEvent, now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    async Task SetAuthenticationAsync(string sessionId, AuthenticationChallenge? challenge)
    {
        await using var db = await dbs.CreateDbContextAsync(CancellationToken.None);
        var json = challenge is null ? null : SessionProjector.Serialize(challenge);
        var status = challenge is null ? SessionRowStatus.Open : SessionRowStatus.AuthenticationRequired;
        await db.Sessions.Where(s => s.Id == sessionId && (s.Status == SessionRowStatus.Open || s.Status == SessionRowStatus.AuthenticationRequired))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, status).SetProperty(x => x.Authentication, json), CancellationToken.None);
    }

    enum LeaseOutcome { Acquired, Busy }

    /// <summary>Takes the session's complete lease, waiting a while for another complete to finish.</summary>
    async Task<LeaseOutcome> AcquireAsync(string id, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + O.Checkout.ConcurrentCompleteWait;
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            await using (var db = await dbs.CreateDbContextAsync(ct))
            {
                var now = clock.GetUtcNow();
                var until = now + O.Checkout.CompleteLease;
                var n = await db.Sessions.Where(s => s.Id == id && (s.CompletingUntil == null || s.CompletingUntil < now))
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.CompletingUntil, until), ct);
                if (n == 1) return LeaseOutcome.Acquired;
            }
            if (clock.GetUtcNow() >= deadline) return LeaseOutcome.Busy;
            await Task.Delay(delay, ct);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }

    async Task ReleaseAsync(string id)
    {
        await using var db = await dbs.CreateDbContextAsync(CancellationToken.None);
        await db.Sessions.Where(s => s.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.CompletingUntil, (DateTimeOffset?)null), CancellationToken.None);
    }
}
