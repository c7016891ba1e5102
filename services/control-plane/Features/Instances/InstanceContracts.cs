using Cmp.ControlPlane.Domain;
using Cmp.Primitives;

namespace Cmp.ControlPlane.Features.Instances;

public sealed record CreateInstance(Guid TenantId, string OfferingSku, InstanceSource? Source, string IdempotencyKey);

public static class InstanceErrors
{
    public static Error NotFound(Guid id) => Error.NotFound("instance_not_found", $"Instance {id} does not exist.");
    public static Error OfferingNotFound(string sku) => Error.Validation("unknown_offering", $"No offering has the SKU '{sku}'.");
    public static Error NotAnAgent(string sku) => Error.Validation("not_an_agent_offering", $"'{sku}' is a credit pack, not an agent plan: grant credits instead.");
    public static Error Deleted(Guid id) => Error.Conflict("instance_deleted", $"Instance {id} is deleted.");
    public static Error RefundedCannotResume(Guid id) => Error.Conflict("instance_refunded",
        $"Instance {id} was suspended because its order was refunded or cancelled; it cannot be resumed.");
    public static Error SuspendedByPlatform(Guid id) => Error.Conflict("suspended_by_platform",
        $"Instance {id} was suspended by the platform team; ask them to resume it.");
    public static Error NotSuspended(Guid id, InstanceStatus s) => Error.Conflict("instance_not_suspended", $"Instance {id} is {s}, not Suspended.");
    public static Error NotFailed(Guid id, InstanceStatus s) => Error.Conflict("instance_not_failed", $"Instance {id} is {s}; only Failed instances can be retried.");
    public static Error Contention(Guid id) => Error.Transient("instance_contention", $"Instance {id} changed concurrently; retry.");
}
