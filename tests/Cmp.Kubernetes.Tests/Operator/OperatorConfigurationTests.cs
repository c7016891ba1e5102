using Cmp.Kubernetes.Operator;
using Cmp.Kubernetes.Resources;
using Cmp.Kubernetes.Tests.Operator.Example;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Cmp.Kubernetes.Tests.Operator;

/// <summary>Bad operator settings stop the service at startup with a message, like every other CMP option.</summary>
public sealed class OperatorConfigurationTests
{
    static IHost Build(Dictionary<string, string?> settings)
    {
        var b = Host.CreateApplicationBuilder();
        b.Configuration.AddInMemoryCollection(settings);
        b.Services.AddSingleton(new FakeCatalog());
        b.Services.AddSingleton(new ReplicaTag("x"));
        b.Services.AddCmpOperator(b.Configuration).AddReconciler<AgentOffering, ExampleOfferingReconciler>();
        return b.Build();
    }

    [Fact]
    public async Task Inconsistent_leader_election_timings_fail_at_startup()
    {
        using var host = Build(new() { ["Operator:LeaderElection:LeaseDuration"] = "00:00:05", ["Operator:LeaderElection:RenewDeadline"] = "00:00:10" });

        var act = () => host.StartAsync();

        (await act.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("RenewDeadline must be shorter than LeaseDuration");
    }

    [Fact]
    public async Task File_mode_without_a_file_fails_at_startup()
    {
        using var host = Build(new() { ["Operator:Source"] = "File" });

        var act = () => host.StartAsync();

        (await act.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("Operator:File:Paths");
    }

    [Fact]
    public async Task A_disabled_operator_starts_nothing_and_needs_no_cluster()
    {
        using var host = Build(new() { ["Operator:Enabled"] = "false", ["Kubernetes:Kubeconfig"] = "/nonexistent" });

        await host.StartAsync();

        host.Services.GetRequiredService<OperatorStatus>().Controllers.Should().BeEmpty();
        await host.StopAsync();
    }
}
