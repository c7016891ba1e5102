using Cmp.ControlPlane.Contracts;
using Cmp.Gateway.Domain;
using Cmp.Primitives;

namespace Cmp.Gateway.Features.Runs;

/// <summary>An instance the caller may run, with what a run needs: its tenant, its Langflow flow and its price.</summary>
public sealed record RunTarget(Guid InstanceId, Guid TenantId, Guid FlowId, string OfferingSku, RunPrice Price);

/// <summary>Decides whether a caller may run an instance: it exists, it is theirs, and it is Ready.</summary>
public sealed class InstanceAccess(InstanceDirectory directory)
{
    public async Task<Result<RunTarget>> ResolveAsync(RunCaller caller, Guid instanceId, CancellationToken ct)
    {
        var found = await FindAsync(caller, instanceId, ct);
        if (!found.TryGetValue(out var instance, out var error)) return error;
        if (!string.Equals(instance.Status, "Ready", StringComparison.OrdinalIgnoreCase)) return RunErrors.InstanceNotReady(instance);
        if (instance.Pricing is not { } p) return RunErrors.NoPricing(instance.Id);
        return new RunTarget(instance.Id, instance.TenantId, instance.FlowId, instance.OfferingSku,
            new RunPrice(p.CreditsPerRun, p.CreditsPer1kTokens, p.MaxCreditsPerRun, p.Reserve));
    }

    /// <summary>The instance, if this caller may see it (whatever its status).</summary>
    public async Task<Result<InstanceView>> FindAsync(RunCaller caller, Guid instanceId, CancellationToken ct)
    {
        // Keys and widget tokens open exactly one instance; anything else is "not found", never "forbidden".
        if (caller.InstanceId is { } bound && bound != instanceId) return RunErrors.InstanceNotFound(instanceId);
        var lookup = caller.Kind == CallerKind.User
            ? await directory.GetAsUserAsync(caller.Id, caller.AccessToken!, instanceId, ct)
            : await directory.GetAsync(instanceId, ct);
        if (!lookup.TryGetValue(out var instance, out var error))
            return error.Kind is ErrorKind.NotFound or ErrorKind.Forbidden ? RunErrors.InstanceNotFound(instanceId) : RunErrors.ControlPlaneUnavailable(error);
        if (caller.TenantId is { } tenant && instance.TenantId != tenant) return RunErrors.InstanceNotFound(instanceId);
        return instance;
    }
}
