using Cmp.Primitives;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Cmp.Saleor.Client;

/// <summary>
/// Ready when Saleor answers GraphQL and, with an app token configured, the token authenticates as an active app.
/// A wrong token is worth catching here: Saleor silently treats it as anonymous, and the first sign would otherwise be
/// a failed write-back after a customer paid.
/// </summary>
public sealed class SaleorReadinessCheck(ISaleorClient client, IOptions<SaleorOptions> options, bool requireAppToken) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var failure = context.Registration.FailureStatus;
        if (string.IsNullOrEmpty(options.Value.AppToken))
        {
            if (requireAppToken) return new HealthCheckResult(failure, "Saleor:AppToken is not configured (run `saleor install` to get one).");
            var shop = await client.ExecuteAsync<ShopInfoData>("ShopInfo", ct: ct);
            return shop.IsSuccess
                ? HealthCheckResult.Healthy($"Saleor {shop.Value.Shop.SchemaVersion} answers (anonymous)")
                : new HealthCheckResult(failure, Describe(shop.Error));
        }

        var ready = await client.ExecuteAsync<ReadinessData>("Readiness", ct: ct);
        if (!ready.IsSuccess) return new HealthCheckResult(failure, Describe(ready.Error));
        return ready.Value.App switch
        {
            null => new HealthCheckResult(failure, "Saleor:AppToken is not an app token (Saleor returned no app for it)."),
            { IsActive: false } app => new HealthCheckResult(failure, $"The Saleor app {app.Id} is deactivated: activate it in Saleor's dashboard."),
            var app => HealthCheckResult.Healthy($"Saleor {ready.Value.Shop.SchemaVersion} answers; app {app.Id} is active"),
        };
    }

    static string Describe(Error error) => error.Kind == ErrorKind.Forbidden
        ? "Saleor does not accept Saleor:AppToken (an unknown token or an inactive app is treated as anonymous)."
        : $"Saleor is not usable: {error.Message}";

    sealed record ShopInfoData(ShopVersion Shop);
    sealed record ReadinessData(ShopVersion Shop, AppState? App);
    sealed record ShopVersion(string? SchemaVersion);
    sealed record AppState(string Id, bool IsActive);
}
