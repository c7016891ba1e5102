namespace Cmp.ControlPlane.Domain;

/// <summary>
/// How much one run costs in credits: a fixed part per run plus an optional part per 1,000 tokens (input + output,
/// rounded up). Before a run the gateway reserves <see cref="Reserve"/>, the most a run can cost; afterwards it
/// commits <see cref="Cost"/>, which never exceeds the reservation.
/// </summary>
public readonly record struct RunPricing(long PerRun, long Per1kTokens, long MaxPerRun)
{
    /// <summary>Token-priced runs reserve the configured maximum; flat-priced runs reserve their price.</summary>
    public long Reserve => Per1kTokens > 0 ? Math.Max(MaxPerRun, PerRun) : PerRun;

    public long Cost(long inputTokens, long outputTokens)
    {
        var tokens = Math.Max(0, inputTokens) + Math.Max(0, outputTokens);
        var tokenPart = Per1kTokens == 0 ? 0 : (tokens * Per1kTokens + 999) / 1000;
        return Math.Min(PerRun + tokenPart, Reserve);
    }

    public static string? Validate(long perRun, long per1k, long maxPerRun) =>
        perRun < 0 || per1k < 0 || maxPerRun < 0 ? "credit amounts cannot be negative"
        : per1k > 0 && maxPerRun < perRun + 1 ? "token-priced offerings need max_credits_per_run above credits_per_run (it is what a run reserves)"
        : null;
}
