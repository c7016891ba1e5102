namespace Cmp.Gateway.Domain;

/// <summary>
/// The control plane's price rule for one run (services/control-plane/Domain/RunPricing.cs, restated here because
/// the gateway must compute the cost it commits; a test keeps the two equal): a fixed part per run plus
/// <c>ceil(tokens × per_1k / 1000)</c> over input + output tokens, capped at <see cref="Reserve"/>, which is what a run
/// reserves up front.
/// </summary>
public readonly record struct RunPrice(long PerRun, long Per1kTokens, long MaxPerRun, long Reserve)
{
    public long Cost(long inputTokens, long outputTokens)
    {
        var tokens = Math.Max(0, inputTokens) + Math.Max(0, outputTokens);
        var tokenPart = Per1kTokens == 0 ? 0 : (tokens * Per1kTokens + 999) / 1000;
        return Math.Min(PerRun + tokenPart, Reserve);
    }

    /// <summary>True for offerings that cost nothing to run: no reservation is made.</summary>
    public bool IsFree => Reserve <= 0;
}
