using System.ComponentModel.DataAnnotations;

namespace Cmp.ControlPlane.Operator;

/// <summary>The AgentOffering reconciler. Bound from <c>Operator:Offerings</c>.</summary>
public sealed class OfferingSyncOptions
{
    public const string Section = "Operator:Offerings";

    /// <summary>Reconcile AgentOffering objects into the database (and Saleor).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Also make Saleor's product, variant, price and channel listing match each offering. Needs <c>Saleor:ApiUrl</c>
    /// and <c>Saleor:AppToken</c>: the control plane's own app token with MANAGE_PRODUCTS,
    /// MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES and MANAGE_CHANNELS (the channel is <c>Saleor:Catalog:Channel</c>).
    /// Off by default: without a token the catalog is managed elsewhere (e.g. <c>saleor install --demo-catalog</c>).
    /// </summary>
    public bool SaleorSync { get; set; }
}

/// <summary>AgentInstance mirroring and its reconciler (Kubernetes source only). Bound from <c>Operator:Instances</c>.</summary>
public sealed class InstanceMirrorOptions : IValidatableObject
{
    public const string Section = "Operator:Instances";

    /// <summary>Mirror every instance as an AgentInstance and apply edits of <c>spec.desiredState</c> and deletions.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where the AgentInstance objects live; empty = the operator's own namespace (the client's default).</summary>
    public string? Namespace { get; set; }

    /// <summary>The gateway's public base URL; <c>status.endpoint</c> is <c>{GatewayUrl}/v1/runs?instance_id={id}</c>
    /// (runs are POSTed to <c>/v1/runs</c> with that <c>instance_id</c>). Empty = no endpoint in the status.</summary>
    public Uri? GatewayUrl { get; set; }

    /// <summary>How often the mirror looks for instances changed since its last look (an indexed query).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the mirror compares every instance with every AgentInstance (repairs anything missed).</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>While an AgentInstance is being deleted, how often its finalizer checks whether the flow is removed.</summary>
    public TimeSpan DeletionCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (GatewayUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
            yield return new ValidationResult($"{Section}:GatewayUrl must be an absolute http(s) URL, got '{url}'.", [nameof(GatewayUrl)]);
        if (PollInterval <= TimeSpan.Zero || ResyncInterval <= TimeSpan.Zero || DeletionCheckInterval <= TimeSpan.Zero)
            yield return new ValidationResult($"{Section}: PollInterval, ResyncInterval and DeletionCheckInterval must be positive.");
        if (Namespace is { Length: > 0 } ns && !System.Text.RegularExpressions.Regex.IsMatch(ns, "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"))
            yield return new ValidationResult($"{Section}:Namespace '{ns}' is not a namespace name.", [nameof(Namespace)]);
    }

    /// <summary>Where <paramref name="instanceId"/> is run, or null without a gateway URL.</summary>
    public string? EndpointFor(Guid instanceId) =>
        GatewayUrl is null ? null : $"{GatewayUrl.ToString().TrimEnd('/')}/v1/runs?instance_id={instanceId}";
}
