namespace Cmp.Gateway.Features.Acp.Protocol;

/// <summary>The ACP API versions this server speaks. The two differ on the wire (acp.md §0); everything behind the wire
/// mappers works on one version-neutral model.</summary>
public enum AcpVersion
{
    /// <summary>2025-09-29: the version ChatGPT Instant Checkout launched with (items, fulfillment_address, payment_provider).</summary>
    V20250929,
    /// <summary>2026-04-17: the newest stable version (line_items, capabilities, payment handlers, 11 statuses).</summary>
    V20260417,
}

public static class AcpVersions
{
    public const string Header = "API-Version";
    public const string V20250929 = "2025-09-29";
    public const string V20260417 = "2026-04-17";

    /// <summary>Every version this build knows, oldest first.</summary>
    public static readonly IReadOnlyList<AcpVersion> Known = [AcpVersion.V20250929, AcpVersion.V20260417];

    public static string ToWire(this AcpVersion v) => v switch
    {
        AcpVersion.V20250929 => V20250929,
        AcpVersion.V20260417 => V20260417,
        _ => throw new ArgumentOutOfRangeException(nameof(v)),
    };

    public static AcpVersion? Parse(string? value) => value?.Trim() switch
    {
        V20250929 => AcpVersion.V20250929,
        V20260417 => AcpVersion.V20260417,
        _ => null,
    };

    /// <summary>Idempotency-Key is required on every POST from 2026-04-17 on; optional before.</summary>
    public static bool RequiresIdempotencyKey(this AcpVersion v) => v >= AcpVersion.V20260417;

    /// <summary>Same key, different body: 409 in 2025-09-29, 422 from 2026-04-17 on (409 then means "in flight").</summary>
    public static int IdempotencyConflictStatus(this AcpVersion v) => v >= AcpVersion.V20260417 ? 422 : 409;
}
