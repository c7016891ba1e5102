using Cmp.Kubernetes.Config;
using Cmp.Kubernetes.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cmp.Kubernetes.Operator;

public static class OperatorServiceCollectionExtensions
{
    /// <summary>
    /// Adds the operator host, configured from <c>Operator</c> (and <c>Kubernetes</c> for the connection). Register
    /// reconcilers on the returned builder. Invalid settings stop the service at startup with a message.
    /// </summary>
    public static OperatorBuilder AddCmpOperator(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<OperatorOptions>()
            .Bind(config.GetSection("Operator"))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<OperatorOptions>, OperatorOptionsValidator>();
        services.AddCmpKubernetesClient(config);
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider))) services.AddSingleton(TimeProvider.System);
        services.AddSingleton<OperatorStatus>();
        services.AddHostedService<OperatorHost>();
        return new OperatorBuilder(services);
    }
}

/// <summary>Registers reconcilers with the operator.</summary>
public sealed class OperatorBuilder(IServiceCollection services)
{
    public IServiceCollection Services => services;

    /// <summary>
    /// Reconciles <typeparamref name="T"/> objects with <typeparamref name="TReconciler"/> (scoped: one instance per
    /// reconcile). Implement <see cref="IFinalizer{T}"/> on it to own cleanup.
    /// </summary>
    public OperatorBuilder AddReconciler<T, TReconciler>(Action<ControllerOptions>? configure = null)
        where T : KubeObject, IKubeResource
        where TReconciler : class, IReconciler<T>
    {
        var options = new ControllerOptions();
        configure?.Invoke(options);
        services.AddScoped<TReconciler>();
        services.AddSingleton<IControllerRegistration>(new ControllerRegistration<T, TReconciler>(options));
        return this;
    }
}

sealed class OperatorOptionsValidator : IValidateOptions<OperatorOptions>
{
    public ValidateOptionsResult Validate(string? name, OperatorOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
