using Cmp.Deploy.Tests.Tooling;

namespace Cmp.Deploy.Tests.Charts;

/// <summary>Missing or wrong settings stop the render with a message that says what to set (values.schema.json and
/// template checks), instead of producing pods that crash-loop.</summary>
public sealed class ChartFailureTests
{
    static Tools.Run Template(string chart, params string[] args)
    {
        if (chart == "cmp") Tools.EnsureUmbrellaDependencies();
        return Tools.HelmRun(["template", "cmp", Render.Chart(chart), "-n", "cmp", .. args]);
    }

    [Theory]
    [InlineData("cmp", new[] { "--set", "gateway.secrets.ServiceAuth__ClientSecret.value=x", "--set", "provisioner.secrets.ServiceAuth__ClientSecret.value=x",
        "--set", "control-plane.secrets.ServiceAuth__ClientSecret.value=x", "--set", "control-plane.database.cnpg.secretName=db",
        "--set", "provisioner.database.cnpg.secretName=db", "--set", "gateway.database.cnpg.secretName=db", "--set", "runner.secrets.Langflow__ApiKey.value=k" }, "global.config.Auth.Authority is required")]
    [InlineData("cmp", new[] { "--set", "global.config.Auth.Authority=https://a/realms/cmp", "--set", "gateway.secrets.ServiceAuth__ClientSecret.value=x",
        "--set", "provisioner.secrets.ServiceAuth__ClientSecret.value=x", "--set", "control-plane.secrets.ServiceAuth__ClientSecret.value=x",
        "--set", "control-plane.database.cnpg.secretName=db", "--set", "provisioner.database.cnpg.secretName=db",
        "--set", "gateway.database.cnpg.secretName=db", "--set", "runner.secrets.Langflow__ApiKey.value=k" }, "gateway.config.ServiceAuth.TokenUrl is required")]
    [InlineData("runner", new[] { "--set", "global.config.Auth.Authority=https://a/realms/cmp" }, "secret setting Langflow__ApiKey is required")]
    [InlineData("provisioner", new[] { "--set", "secrets.ServiceAuth__ClientSecret.value=x" }, "database.enabled needs database.cnpg.secretName")]
    [InlineData("gateway", new[] { "--set", "secrets.ServiceAuth__ClientSecret.value=x", "--set", "nameOverride=Gate_Way" }, "is not a valid object name")]
    [InlineData("gateway", new[] { "--set", "global.config.Auth.Authority=https://a/realms/cmp", "--set", "secrets.ServiceAuth__ClientSecret.value=x" },
        "database.enabled needs database.cnpg.secretName")]
    [InlineData("gateway", new[] { "--set", "global.config.Auth.Authority=https://a/realms/cmp" }, "secret setting ServiceAuth__ClientSecret is required")]
    [InlineData("control-plane", new[] { "--set", "global.config.Auth.Authority=https://a/realms/cmp", "--set", "secrets.ServiceAuth__ClientSecret.value=x" },
        "database.enabled needs database.cnpg.secretName")]
    [InlineData("control-plane", new[] { "--set", "secrets.ServiceAuth__ClientSecret.value=x", "--set", "database.connectionString=Host=db", "--set", "migrations.mode=job" },
        "migrations.mode=job needs database.cnpg.secretName or database.existingSecret")]
    [InlineData("saleor", new string[0], "secretKey.existingSecret or secretKey.value is required")]
    [InlineData("gateway", new[] { "--set", "secrets.ServiceAuth__ClientSecret.value=x", "--set", "networkPolicy.egressTo={nowhere}" }, "unknown peer \"nowhere\"")]
    public void A_missing_setting_fails_the_render_with_a_message(string chart, string[] args, string message)
    {
        var r = Template(chart, args);

        r.ExitCode.Should().NotBe(0);
        r.Stderr.Should().Contain(message);
    }

    [Theory]
    [InlineData("gateway", "replicaCount=two", "replicaCount: Invalid type")]
    [InlineData("gateway", "netwrkPolicy.enabled=false", "Additional property netwrkPolicy is not allowed")]
    [InlineData("control-plane", "migrations.mode=sometimes", "migrations.mode")]
    [InlineData("runner", "image.pullPolicy=Sometimes", "image.pullPolicy")]
    [InlineData("cmp", "crds.instal=true", "Additional property instal is not allowed")]
    [InlineData("provisioner", "secrets.ServiceAuth__ClientSecret.valu=x", "Additional property valu is not allowed")]
    public void The_values_schema_catches_typos_and_wrong_types(string chart, string set, string message)
    {
        var r = Template(chart, "--set", set);

        r.ExitCode.Should().NotBe(0);
        r.Stderr.Should().Contain(message);
    }
}
