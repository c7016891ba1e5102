using Cmp.Gateway.Infrastructure.Commerce;
using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cmp.Gateway.Features.Acp.Checkout;

/// <summary>Reads and writes session rows. A session is visible only to its owner: to anyone else it does not exist.</summary>
public sealed class SessionStore(IDbContextFactory<CommerceDbContext> dbs, TimeProvider clock)
{
    public async Task<CheckoutSessionRow?> FindAsync(string id, string owner, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id && s.Owner == owner, ct);
    }

    public async Task<CheckoutSessionRow?> FindByOrderAsync(string orderId, string owner, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.OrderId == orderId && s.Owner == owner, ct);
    }

    public async Task InsertAsync(CheckoutSessionRow row, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        db.Sessions.Add(row);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Records what the caller was just shown: the total (a complete never charges an amount the agent has
    /// not seen), the snapshot (what GET shows once Saleor forgets the checkout) and changed buyer details.</summary>
    public async Task SaveShownAsync(string id, CheckoutSessionView view, string? buyerJson, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var snapshot = SessionProjector.Snapshot(view);
        var now = clock.GetUtcNow();
        await db.Sessions.Where(s => s.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.LastQuotedTotal, view.Totals.Total)
            .SetProperty(x => x.Snapshot, snapshot)
            .SetProperty(x => x.Buyer, x => buyerJson ?? x.Buyer)
            .SetProperty(x => x.UpdatedAt, now), ct);
    }

    /// <summary>Open → canceled, atomically; false if the session was not open (any more).</summary>
    public async Task<bool> CancelAsync(string id, CheckoutSessionView view, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var snapshot = SessionProjector.Snapshot(view);
        var now = clock.GetUtcNow();
        var n = await db.Sessions
            .Where(s => s.Id == id && (s.Status == SessionRowStatus.Open || s.Status == SessionRowStatus.AuthenticationRequired) && (s.CompletingUntil == null || s.CompletingUntil < now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, SessionRowStatus.Canceled)
                .SetProperty(x => x.Snapshot, snapshot)
                .SetProperty(x => x.Authentication, (string?)null)
                .SetProperty(x => x.UpdatedAt, now), ct);
        return n == 1;
    }
}
