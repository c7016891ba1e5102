using System.Security.Cryptography;
using System.Text;
using Cmp.Data;
using Cmp.Gateway.Infrastructure.Commerce;
using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Cmp.Primitives;
using Microsoft.EntityFrameworkCore;

namespace Cmp.Gateway.Features.Payments;

/// <summary>
/// Payment attempts of checkout sessions: created before a provider is called, updated with what it answered. They are
/// how a retry after a crash or an unclear failure finds the charge it already made instead of making another.
/// </summary>
public sealed class PaymentAttempts(IDbContextFactory<CommerceDbContext> dbs, PaymentProviders providers, TimeProvider clock, ILogger<PaymentAttempts> log)
{
    public static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>A printable reminder of a token that reveals nothing usable (<c>vt_…x7Qa</c>).</summary>
    public static string TokenHint(string token)
    {
        var prefix = token.IndexOf('_') is var i and > 0 and < 8 ? token[..(i + 1)] : "";
        return token.Length > prefix.Length + 8 ? $"{prefix}…{token[^4..]}" : prefix + "…";
    }

    public async Task<PaymentAttemptRow?> SucceededAsync(string sessionId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.PaymentAttempts.AsNoTracking().SingleOrDefaultAsync(a => a.SessionId == sessionId && a.Status == AttemptStatus.Succeeded, ct);
    }

    /// <summary>The attempt whose outcome is still open: unknown (pending) or waiting for 3-D Secure.</summary>
    public async Task<PaymentAttemptRow?> OpenAsync(string sessionId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.PaymentAttempts.AsNoTracking()
            .Where(a => a.SessionId == sessionId && (a.Status == AttemptStatus.Pending || a.Status == AttemptStatus.RequiresAuthentication))
            .OrderByDescending(a => a.Number).FirstOrDefaultAsync(ct);
    }

    public async Task<PaymentAttemptRow> StartAsync(string sessionId, IPaymentProvider provider, string token, Money amount, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        for (var tries = 0; ; tries++)
        {
            var number = (await db.PaymentAttempts.Where(a => a.SessionId == sessionId).MaxAsync(a => (int?)a.Number, ct) ?? 0) + 1;
            var now = clock.GetUtcNow();
            var row = new PaymentAttemptRow
            {
                SessionId = sessionId, Number = number, Provider = provider.Id, TokenHash = TokenHash(token), TokenHint = TokenHint(token),
                Amount = amount.Minor, Currency = amount.Currency.ToLowerInvariant(),
                ProviderIdempotencyKey = $"acp-{sessionId}-pay-{number}", Status = AttemptStatus.Pending, CreatedAt = now, UpdatedAt = now,
            };
            db.PaymentAttempts.Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
                return row;
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation() && tries < 3)
            {
                db.ChangeTracker.Clear();   // two attempts numbered at once (cannot happen under the complete lease; harmless anyway)
            }
        }
    }

    public async Task MarkAsync(long id, string status, string? pspReference = null, string? code = null, string? message = null)
    {
        await using var db = await dbs.CreateDbContextAsync(CancellationToken.None);
        var now = clock.GetUtcNow();
        await db.PaymentAttempts.Where(a => a.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.Status, status)
            .SetProperty(a => a.PspReference, a => pspReference ?? a.PspReference)
            .SetProperty(a => a.FailureCode, code)
            .SetProperty(a => a.FailureMessage, message == null ? null : message.Length > 1000 ? message.Substring(0, 1000) : message)
            .SetProperty(a => a.UpdatedAt, now), CancellationToken.None);
    }

    public async Task SetTransactionAsync(long id, string transactionId)
    {
        await using var db = await dbs.CreateDbContextAsync(CancellationToken.None);
        await db.PaymentAttempts.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.SaleorTransactionId, transactionId), CancellationToken.None);
    }

    /// <summary>A 3-D Secure challenge that will not be answered (the session changed or was canceled): release the
    /// authorisation at the provider and close the attempt.</summary>
    public async Task AbandonAuthenticationAsync(string sessionId, CancellationToken ct)
    {
        var open = await OpenAsync(sessionId, ct);
        if (open is not { Status: AttemptStatus.RequiresAuthentication }) return;
        if (open.PspReference is { } psp && providers.ById(open.Provider) is { } provider)
        {
            try { await provider.CancelAsync(psp, open.ProviderIdempotencyKey + "-cancel", ct); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Releasing payment {PspReference} of session {SessionId} failed; it expires at the provider", psp, sessionId);
            }
        }
        await MarkAsync(open.Id, AttemptStatus.Failed, code: "authentication_abandoned", message: "The session changed before 3-D Secure was completed.");
    }
}
