using Cmp.ControlPlane.Operator.Instances;
using Cmp.ControlPlane.Operator.Offerings;
using Cmp.ControlPlane.Operator.Reconcilers;
using Cmp.Hosting.Configuration;
using Cmp.Kubernetes.Operator;
using Cmp.Kubernetes.Resources;
using Cmp.Saleor;
using Cmp.Saleor.Catalog;
using Cmp.Saleor.Client;

namespace Cmp.ControlPlane.Operator;

/// <summary>The control plane's Kubernetes operator: what runs depends on <c>Operator:*</c> (see the README).</summary>
public static class OperatorRegistration
{
    /// <summary>
    /// <c>Operator:Source=Kubernetes</c>: AgentOffering reconciler, AgentInstance reconciler and the instance mirror,
    /// on the replica holding the Lease. <c>Operator:Source=File</c> (no cluster, <c>make dev</c>): the AgentOffering
    /// reconciler over YAML files only — there is nothing to mirror instances into.
    /// </summary>
    public static IServiceCollection AddControlPlaneOperator(this IServiceCollection services, IConfiguration config)
    {
        var op = services.AddCmpOperator(config);
        services.AddValidatedOptions<OfferingSyncOptions>(config, OfferingSyncOptions.Section);
        services.AddValidatedOptions<InstanceMirrorOptions>(config, InstanceMirrorOptions.Section);
        var host = config.GetSection("Operator").Get<OperatorOptions>() ?? new OperatorOptions();
        if (!host.Enabled) return services;

        var offerings = config.GetSection(OfferingSyncOptions.Section).Get<OfferingSyncOptions>() ?? new OfferingSyncOptions();
        if (offerings.Enabled)
        {
            if (offerings.SaleorSync) services.AddSaleorCatalog(config);
            services.AddSingleton(sp => new SaleorSync(sp.GetService<ISaleorCatalog>(), sp.GetService<ISaleorClient>()));
            op.AddReconciler<AgentOffering, AgentOfferingReconciler>();
        }

        var instances = config.GetSection(InstanceMirrorOptions.Section).Get<InstanceMirrorOptions>() ?? new InstanceMirrorOptions();
        if (instances.Enabled && host.Source == OperatorSource.Kubernetes)
        {
            // The reconciler watches the namespace the mirror writes to (empty: the operator's watch namespace).
            op.AddReconciler<AgentInstance, AgentInstanceReconciler>(c => c.Namespace = instances.Namespace);
            services.AddSingleton<IControllerRegistration, InstanceMirrorRegistration>();
        }
        return services;
    }
}
