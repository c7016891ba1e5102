using Cmp.Gateway.Domain;
using Cmp.Primitives;

namespace Cmp.Gateway.Features.Runs;

/// <summary>
/// The caller's runs. An API key sees its instance's runs; a widget token only the runs of its own widget session;
/// a tenant user their tenant's runs; a platform admin every run. Anything else is "not found".
/// </summary>
public sealed class RunQueries(RunStore store, InstanceDirectory directory)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public async Task<Result<RunView>> GetAsync(RunCaller caller, Guid id, CancellationToken ct)
    {
        var scope = await ScopeAsync(caller, ct);
        if (!scope.TryGetValue(out var s, out var error)) return error;
        var run = s is null ? null : await store.FindAsync(id, ct);
        return run is not null && Visible(run, s!) ? View(run) : RunErrors.RunNotFound(id);
    }

    public async Task<Result<RunPage>> ListAsync(RunCaller caller, Guid? instanceId, Guid? before, int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > MaxLimit)
            return RunErrors.Validation([new("limit", "limit_invalid", $"limit must be between 1 and {MaxLimit}.")]);
        var scope = await ScopeAsync(caller, ct);
        if (!scope.TryGetValue(out var s, out var error)) return error;
        if (s is null) return new RunPage([], null);
        var take = limit ?? DefaultLimit;
        var runs = await store.ListAsync(s, instanceId, before, take, ct);
        return new RunPage(runs.Select(View).ToList(), runs.Count == take ? runs[^1].Id : null);
    }

    /// <summary>What the caller may see; null when nothing (a user with no tenant).</summary>
    async Task<Result<RunScope?>> ScopeAsync(RunCaller caller, CancellationToken ct)
    {
        switch (caller.Kind)
        {
            case CallerKind.ApiKey: return new RunScope(caller.TenantId, caller.InstanceId, null);
            case CallerKind.Widget: return new RunScope(caller.TenantId, caller.InstanceId, caller.Id);
        }
        if (caller.IsPlatformAdmin) return new RunScope(null, null, null);
        var tenant = await directory.GetUserTenantAsync(caller.Id, caller.AccessToken!, ct);
        if (tenant.TryGetValue(out var t, out var error)) return new RunScope(t.Id, null, null);
        return error.Kind is ErrorKind.NotFound or ErrorKind.Forbidden ? (RunScope?)null : RunErrors.ControlPlaneUnavailable(error);
    }

    static bool Visible(RunRecord r, RunScope s) =>
        (s.TenantId is null || r.TenantId == s.TenantId) && (s.InstanceId is null || r.InstanceId == s.InstanceId)
        && (s.WidgetSession is null || (r.CallerKind == CallerKind.Widget && r.CallerId == s.WidgetSession));

    static RunView View(RunRecord r) => new(
        r.Id, r.InstanceId, r.TenantId, Snake(r.Status.ToString()), r.Stream, r.SessionId, r.CreditsReserved, r.CreditsCharged,
        r.InputTokens, r.OutputTokens, r.LatencyMs, r.ErrorCode, Snake(r.Settlement.ToString()), r.BalanceAfter, r.CallerKind switch
        {
            CallerKind.ApiKey => "api_key",
            CallerKind.Widget => "widget",
            _ => "user",
        }, r.IdempotencyKey, r.CreatedAt, r.CompletedAt, r.SettledAt, r.LeaseId);

    static string Snake(string s) => s.ToLowerInvariant();
}
