using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.Data;
using Cmp.Primitives;
using Microsoft.EntityFrameworkCore;

namespace Cmp.ControlPlane.Features.Credits;

static class Transactions
{
    /// <summary>
    /// Runs <paramref name="work"/> in a transaction. A unique-index violation means a concurrent or earlier call
    /// with the same idempotency key won: the transaction is rolled back and <paramref name="replay"/> answers with
    /// the winner's outcome. Any failure value also rolls back, so nothing half-done is ever committed.
    /// </summary>
    public static async Task<Result<T>> IdempotentAsync<T>(ControlPlaneDbContext db, Func<Task<Result<T>>> work,
        Func<Task<Result<T>>> replay, CancellationToken ct)
    {
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            try
            {
                var result = await work();
                if (result.IsSuccess) await tx.CommitAsync(ct);
                else await tx.RollbackAsync(ct);
                return result;
            }
            catch (Exception e) when (e.IsUniqueViolation())
            {
                await tx.RollbackAsync(CancellationToken.None);
            }
        }
        db.ChangeTracker.Clear();
        return await replay();
    }
}
