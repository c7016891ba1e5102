using Cmp.ControlPlane.Domain;
using Cmp.ControlPlane.Features.Callers;
using Cmp.ControlPlane.Features.Instances;
using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.Data;
using Cmp.Primitives;
using Microsoft.EntityFrameworkCore;

namespace Cmp.ControlPlane.Features.ApiKeys;

public static class ApiKeyErrors
{
    public static Error NotFound(Guid id) => Error.NotFound("api_key_not_found", $"API key {id} does not exist.");
    public static Error Invalid() => Error.NotFound("invalid_api_key", "The API key is unknown or revoked.");
    public static Error BadName() => Error.Validation("invalid_name", "name must be 1 to 100 characters.");
}

sealed class ApiKeyHandlers(ControlPlaneDbContext db, TimeProvider clock)
{
    public async Task<Result<(IssuedApiKey Key, bool Created)>> IssueAsync(Guid instanceId, Caller caller, string? name, string? idempotencyKey, CancellationToken ct)
    {
        name = string.IsNullOrWhiteSpace(name) ? "default" : name.Trim();
        if (name.Length > 100) return ApiKeyErrors.BadName();
        var instance = await db.Instances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == instanceId, ct);
        if (instance is null || !caller.CanSee(instance.TenantId)) return InstanceErrors.NotFound(instanceId);
        if (instance.Status == InstanceStatus.Deleted) return InstanceErrors.Deleted(instanceId);

        if (idempotencyKey is not null
            && await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.InstanceId == instanceId && k.IdempotencyKey == idempotencyKey, ct) is { } earlier)
            return (Replay(earlier), false);

        var (secret, prefix, hash) = ApiKeySecret.Generate();
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(), InstanceId = instanceId, TenantId = instance.TenantId, Name = name, Prefix = prefix, Hash = hash,
            IdempotencyKey = idempotencyKey, CreatedAt = clock.GetUtcNow(),
        };
        db.ApiKeys.Add(key);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation() && idempotencyKey is not null)
        {
            db.ChangeTracker.Clear();
            return (Replay(await db.ApiKeys.AsNoTracking().SingleAsync(k => k.InstanceId == instanceId && k.IdempotencyKey == idempotencyKey, ct)), false);
        }
        return (new IssuedApiKey(key.Id, key.InstanceId, key.Name, key.Prefix, key.CreatedAt, secret), true);
    }

    /// <summary>Only a hash is stored, so a retried request cannot see the secret again: revoke and issue anew if it was lost.</summary>
    static IssuedApiKey Replay(ApiKey k) => new(k.Id, k.InstanceId, k.Name, k.Prefix, k.CreatedAt, null);

    public async Task<Result<List<ApiKeyView>>> ListAsync(Guid instanceId, Caller caller, CancellationToken ct)
    {
        var instance = await db.Instances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == instanceId, ct);
        if (instance is null || !caller.CanSee(instance.TenantId)) return InstanceErrors.NotFound(instanceId);
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.InstanceId == instanceId).OrderBy(k => k.CreatedAt).ToListAsync(ct);
        return keys.Select(Views.Of).ToList();
    }

    /// <summary>Revoking twice is fine; the key stops working as soon as the gateway's short cache expires.</summary>
    public async Task<Result<ApiKeyView>> RevokeAsync(Guid keyId, Caller caller, CancellationToken ct)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == keyId, ct);
        if (key is null || !caller.CanSee(key.TenantId)) return ApiKeyErrors.NotFound(keyId);
        key.RevokedAt ??= clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return Views.Of(key);
    }

    public async Task<Result<VerifiedApiKey>> VerifyAsync(string? secret, CancellationToken ct)
    {
        if (!ApiKeySecret.LooksValid(secret)) return ApiKeyErrors.Invalid();
        var hash = ApiKeySecret.HashOf(secret!);
        var row = await (from k in db.ApiKeys.AsNoTracking()
                         join i in db.Instances.AsNoTracking() on k.InstanceId equals i.Id
                         join o in db.Offerings.AsNoTracking() on i.OfferingSku equals o.Sku
                         where k.Hash == hash && k.RevokedAt == null
                         select new { k, i, o }).SingleOrDefaultAsync(ct);
        if (row is null) return ApiKeyErrors.Invalid();
        return new VerifiedApiKey(row.k.Id, row.i.Id, row.i.TenantId, row.i.Status.ToString(), row.o.Sku, Views.Of(row.o.Pricing));
    }
}
