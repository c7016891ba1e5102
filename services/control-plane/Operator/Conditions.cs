namespace Cmp.ControlPlane.Operator;

/// <summary>
/// The finalizers, condition types, reasons and phases the control plane's operator writes. Reasons are CamelCase
/// and stable (alerts and scripts match on them); messages are for humans. Documented in the README's Operator section.
/// </summary>
public static class Finalizers
{
    /// <summary>AgentOffering: take the offering off sale (disable it, unlist it in Saleor) before the object goes.</summary>
    public const string Offering = "cmp.dev/offering-cleanup";

    /// <summary>AgentInstance: delete the instance in the control plane (revoke its keys, remove its flow) before the object goes.</summary>
    public const string Instance = "cmp.dev/instance-cleanup";
}

/// <summary>Condition types besides <see cref="Cmp.Kubernetes.Resources.CmpConditions"/> (Ready, Provisioned, Suspended).</summary>
public static class ConditionTypes
{
    /// <summary>AgentOffering: the spec is valid and stored in the control plane's database.</summary>
    public const string Accepted = "Accepted";

    /// <summary>AgentOffering: Saleor's product, variant, price and channel listing match the spec.</summary>
    public const string SaleorSynced = "SaleorSynced";
}

public static class OfferingReasons
{
    public const string Ready = "Ready";
    public const string Disabled = "Disabled";
    public const string Stored = "Stored";
    public const string InvalidSpec = "InvalidSpec";
    public const string DuplicateSku = "DuplicateSku";
    public const string Synced = "Synced";
    public const string Unlisted = "Unlisted";
    public const string NotInSaleor = "NotInSaleor";
    public const string SyncDisabled = "SyncDisabled";
    public const string SaleorUnavailable = "SaleorUnavailable";
    public const string SaleorPermissionDenied = "SaleorPermissionDenied";
    public const string SaleorConflict = "SaleorConflict";
    public const string SaleorRejected = "SaleorRejected";
    public const string Removed = "Removed";
}

public static class InstanceReasons
{
    public const string Ready = "Ready";
    public const string FlowImported = "FlowImported";
    public const string Provisioning = "Provisioning";
    public const string ProvisioningFailed = "ProvisioningFailed";
    public const string NotSuspended = "NotSuspended";
    public const string SuspendedByPlatform = "SuspendedByPlatform";
    public const string SuspendedByTenant = "SuspendedByTenant";
    public const string Refunded = "Refunded";
    public const string Deleting = "Deleting";
    public const string Deleted = "Deleted";
    public const string InstanceNotFound = "InstanceNotFound";
    public const string NotMirrored = "NotMirrored";
    public const string DesiredStateRefused = "DesiredStateRefused";
}

public static class Phases
{
    public const string Pending = "Pending";
    public const string Provisioning = "Provisioning";
    public const string Ready = "Ready";
    public const string Suspended = "Suspended";
    public const string Disabled = "Disabled";
    public const string Failed = "Failed";
    public const string Terminating = "Terminating";
}
