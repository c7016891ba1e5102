using Cmp.ControlPlane.Domain;
using Cmp.Primitives;

namespace Cmp.ControlPlane.Features.Credits;

/// <summary>The credit ledger's expected failures.</summary>
public static class CreditErrors
{
    public static Error Insufficient(long requested, CreditAccount? account) =>
        new Error("insufficient_credits",
                $"{requested} credits are needed but only {account?.Available ?? 0} are available.", ErrorKind.PaymentRequired)
            .With("requested", requested)
            .With("balance", account?.Balance ?? 0)
            .With("available", account?.Available ?? 0);

    public static Error KeyReused(string key) => Error.Conflict("idempotency_key_reused",
        $"The idempotency key '{key}' was already used for a different request; use a new key for a new operation.");

    public static Error ReservationNotFound(Guid id) => Error.NotFound("reservation_not_found", $"Reservation {id} does not exist.");

    public static Error AlreadySettled(Reservation r) => Error.Conflict("reservation_settled",
        $"Reservation {r.Id} is already {r.Status.ToString().ToLowerInvariant()}.").With("status", r.Status.ToString().ToLowerInvariant());

    public static Error InvalidAmount(string message) => Error.Validation("invalid_amount", message);

    public static Error TenantNotFound(Guid id) => Error.NotFound("tenant_not_found", $"Tenant {id} does not exist.");
}
