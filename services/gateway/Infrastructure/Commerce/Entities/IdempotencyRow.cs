namespace Cmp.Gateway.Infrastructure.Commerce.Entities;

/// <summary>
/// An <c>Idempotency-Key</c> seen on an ACP POST, scoped to (caller, route, key): the fingerprint of the body it came
/// with and, once the request finished below 500, the exact response to replay. A row in flight holds a lease; a
/// crashed request's lease expires and the key can be processed again.
/// </summary>
public sealed class IdempotencyRow
{
    public long Id { get; set; }
    public string Scope { get; set; } = "";
    public string Route { get; set; } = "";
    public string Key { get; set; } = "";
    public string Fingerprint { get; set; } = "";
    public string State { get; set; } = IdempotencyState.InFlight;
    public int? StatusCode { get; set; }
    /// <summary>JSON object of the response headers worth replaying (content type, location).</summary>
    public string? Headers { get; set; }
    public byte[]? Body { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset LockedUntil { get; set; }
}

public static class IdempotencyState
{
    public const string InFlight = "in_flight";
    public const string Completed = "completed";
}
