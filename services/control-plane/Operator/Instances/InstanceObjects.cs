using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Cmp.ControlPlane.Domain;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Resources;

namespace Cmp.ControlPlane.Operator.Instances;

/// <summary>
/// How a control-plane instance looks as an AgentInstance: named by its id (so <c>kubectl get agentinstance &lt;id&gt;</c>
/// works with the id from the API, and creating it twice is harmless), labelled for selection by tenant, offering and
/// order, and annotated with the instance's last change, which is what makes the operator reconcile it again.
/// </summary>
public static partial class InstanceObjects
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "cmp-control-plane";
    public const string PartOfLabel = "app.kubernetes.io/part-of";
    public const string TenantLabel = "cmp.dev/tenant";
    public const string OfferingLabel = "cmp.dev/offering";
    public const string OrderLabel = "cmp.dev/order";

    /// <summary>The instance's <c>updated_at</c>: the mirror changes it when the instance changes, and a metadata change
    /// triggers a reconcile (a status-only change would not), which then writes the new status.</summary>
    public const string RevisionAnnotation = "cmp.dev/instance-updated-at";

    public static string NameOf(Guid instanceId) => instanceId.ToString("D");

    /// <summary>The instance an AgentInstance mirrors: its name, in the mirror's namespace; anything else is not ours.</summary>
    public static Guid? InstanceIdOf(AgentInstance o, string mirrorNamespace) =>
        o.Metadata.Namespace == mirrorNamespace && Guid.TryParseExact(o.Metadata.Name, "D", out var id) && NameOf(id) == o.Metadata.Name ? id : null;

    public static string Revision(Instance i) => i.UpdatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>
    /// The platform's intent as the database records it: suspended by the platform team (or for good, by a refund)
    /// means Suspended; a tenant's own suspension is the tenant's business, so the platform's intent stays Ready.
    /// </summary>
    public static string DesiredStateOf(Instance i) =>
        i.Status == InstanceStatus.Suspended && i.SuspendedBy is SuspendedBy.Platform or SuspendedBy.Refund ? DesiredStates.Suspended : DesiredStates.Ready;

    public static AgentInstance New(Instance i, string ns, AgentOffering? offering) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = NameOf(i.Id),
            Namespace = ns,
            Labels = Labels(i),
            OwnerReferences = OwnersOf(offering),
            Annotations = new() { [RevisionAnnotation] = Revision(i) },
            // Present from the start, so deleting the object before its first reconcile still deprovisions.
            Finalizers = [Finalizers.Instance],
        },
        Spec = new AgentInstanceSpec
        {
            Tenant = i.TenantId.ToString("D"),
            Offering = i.OfferingSku,
            OrderRef = i is { SourceOrderId: { } order, SourceLineId: { } line, SourceUnit: { } unit }
                ? new OrderRef { OrderId = order, LineId = line, Unit = unit }
                : null,
            DesiredState = DesiredStateOf(i),
        },
    };

    /// <summary>
    /// The AgentOffering the instance was sold as, as its (non-controller) owner, so <c>kubectl tree</c>-style tools and
    /// Argo CD show the fleet under each offering. Owner references cannot cross namespaces, so an offering declared in
    /// another namespace (or not declared as an object at all) gives none. Deleting the offering garbage-collects these
    /// objects; the instance finalizer recognises that and keeps the instances (see AgentInstanceReconciler).
    /// </summary>
    public static List<OwnerReference>? OwnersOf(AgentOffering? offering) =>
        offering is { Metadata.Uid: { } uid } && !offering.Metadata.IsBeingDeleted
            ? [new OwnerReference { ApiVersion = AgentOffering.Resource.ApiVersion, Kind = AgentOffering.Resource.Kind, Name = offering.Metadata.Name, Uid = uid }]
            : null;

    /// <summary>Whether the object already names exactly these owners (by uid; order and extra fields do not matter).</summary>
    public static bool OwnersMatch(AgentInstance o, List<OwnerReference>? owners) =>
        (o.Metadata.OwnerReferences ?? []).Select(r => r.Uid).Order(StringComparer.Ordinal)
            .SequenceEqual((owners ?? []).Select(r => r.Uid).Order(StringComparer.Ordinal));

    public static Dictionary<string, string> Labels(Instance i)
    {
        var labels = new Dictionary<string, string>
        {
            [ManagedByLabel] = ManagedByValue,
            [PartOfLabel] = "cmp",
            [TenantLabel] = i.TenantId.ToString("D"),
        };
        if (LabelValue(i.OfferingSku) is { } sku) labels[OfferingLabel] = sku;
        if (OrderLabelValue(i.SourceOrderId) is { } order) labels[OrderLabel] = order;
        return labels;
    }

    /// <summary>
    /// A label for the order: the id inside a Saleor global id, else the id itself when it is a valid label value
    /// (base64 of <c>Order:&lt;uuid&gt;</c>, whose <c>=</c> and <c>/</c> labels cannot hold): the uuid the dashboard
    /// shows. The full id is always in <c>spec.orderRef.orderId</c>.
    /// </summary>
    public static string? OrderLabelValue(string? orderId)
    {
        if (orderId is null) return null;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(orderId));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && LabelValue(decoded[(colon + 1)..]) is { } inner && decoded[..colon].All(char.IsAsciiLetter)) return inner;
        }
        catch (FormatException)
        {
            // not a global id
        }
        return LabelValue(orderId);
    }

    static string? LabelValue(string value) => value.Length <= 63 && LabelPattern().IsMatch(value) ? value : null;

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex LabelPattern();
}
