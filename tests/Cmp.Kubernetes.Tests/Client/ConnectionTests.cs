using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Config;
using Cmp.Kubernetes.Model;
using Cmp.Simulators.KubeApi;

namespace Cmp.Kubernetes.Tests.Client;

/// <summary>Reaching a real-shaped API server: TLS with the cluster CA, bearer tokens, client certificates,
/// kubeconfig contexts and the in-cluster service account.</summary>
public sealed class ConnectionTests : IAsyncLifetime
{
    const string Token = "sa-token-123";
    KubeApiServer _api = null!;
    string _dir = null!;

    public async ValueTask InitializeAsync()
    {
        _api = await KubeFake.StartAsync(new KubeApiServerOptions { Tls = true, Token = Token });
        _dir = Directory.CreateTempSubdirectory("cmp-kube-").FullName;
    }

    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    static async Task<Cmp.Primitives.Result<KubeList<ConfigMap>>> ListWith(KubeConnection c) =>
        await KubernetesServiceCollectionExtensions.CreateClient(c).ListAsync<ConfigMap>();

    [Fact]
    public async Task A_kubeconfig_with_the_cluster_ca_and_a_token_connects_over_tls()
    {
        var path = Write("config", _api.Kubeconfig(Token, ns: "team-a"));

        var connection = KubeconfigLoader.Load([path]).Ok();
        (await ListWith(connection)).Ok();

        connection.Namespace.Should().Be("team-a");
        connection.Server.Scheme.Should().Be("https");
    }

    [Fact]
    public async Task A_client_certificate_from_kubeconfig_authenticates_as_kind_does()
    {
        var path = Write("config", _api.Kubeconfig(clientCertificate: _api.Certificates!.IssueClient("kubernetes-admin")));

        (await ListWith(KubeconfigLoader.Load([path]).Ok())).Ok();
    }

    [Fact]
    public async Task A_wrong_token_is_401_unauthorized()
    {
        var path = Write("config", _api.Kubeconfig("wrong"));

        (await ListWith(KubeconfigLoader.Load([path]).Ok())).Fails(KubeErrors.Unauthorized);
    }

    [Fact]
    public async Task A_server_certificate_from_another_ca_is_refused()
    {
        using var other = new Cmp.Simulators.KubeApi.Tls.TestCertificates();
        var config = _api.Kubeconfig(Token).Replace(
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(_api.Certificates!.CaPem)),
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(other.CaPem)), StringComparison.Ordinal);

        (await ListWith(KubeconfigLoader.Load([Write("config", config)]).Ok())).Fails(KubeErrors.Unreachable);
    }

    [Fact]
    public async Task In_cluster_config_reads_the_service_account_and_rereads_a_rotated_token()
    {
        var sa = Directory.CreateDirectory(Path.Combine(_dir, "sa")).FullName;
        File.WriteAllText(Path.Combine(sa, "token"), "stale-token");
        File.WriteAllText(Path.Combine(sa, "ca.crt"), _api.Certificates!.CaPem);
        File.WriteAllText(Path.Combine(sa, "namespace"), "cmp\n");
        Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_HOST", "127.0.0.1");
        Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_PORT", _api.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            var connection = KubeConnection.Resolve(new KubernetesOptions { ServiceAccountPath = sa }).Ok();
            var client = KubernetesServiceCollectionExtensions.CreateClient(connection);
            (await client.ListAsync<ConfigMap>()).Fails(KubeErrors.Unauthorized);

            File.WriteAllText(Path.Combine(sa, "token"), Token);   // the kubelet rotated it
            (await client.ListAsync<ConfigMap>()).Ok();

            connection.Namespace.Should().Be("cmp");
            connection.Source.Should().Contain("in-cluster");
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_HOST", null);
            Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_PORT", null);
        }
    }

    [Fact]
    public async Task An_exec_credential_plugin_supplies_the_token()
    {
        var credential = "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"" + Token +
                         "\",\"expirationTimestamp\":\"2099-01-01T00:00:00Z\"}}";
        var plugin = Write("plugin.sh", $"#!/bin/sh\necho '{credential}'\n");
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "exec plugins are shell scripts here");
        if (OperatingSystem.IsWindows()) return;
        File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        var config = _api.Kubeconfig(Token).Replace($"    token: {Token}", $"    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: {plugin}", StringComparison.Ordinal);

        (await ListWith(KubeconfigLoader.Load([Write("config", config)]).Ok())).Ok();
    }
}

/// <summary>Kubeconfig parsing rules that need no server.</summary>
public sealed class KubeconfigLoaderTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("cmp-kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    const string Base = """
        apiVersion: v1
        kind: Config
        current-context: dev
        clusters:
        - name: dev-cluster
          cluster: {server: "https://dev.example:6443", insecure-skip-tls-verify: true}
        - name: prod-cluster
          cluster: {server: "https://prod.example:6443", certificate-authority: ca/prod.crt}
        users:
        - name: dev-user
          user: {token: dev-token}
        - name: prod-user
          user: {tokenFile: tokens/prod}
        contexts:
        - name: dev
          context: {cluster: dev-cluster, user: dev-user}
        - name: prod
          context: {cluster: prod-cluster, user: prod-user, namespace: cmp}
        """;

    [Fact]
    public void The_current_context_is_used_and_the_namespace_defaults_to_default()
    {
        var c = KubeconfigLoader.Load([Write("config", Base)]).Ok();

        c.Server.Should().Be(new Uri("https://dev.example:6443"));
        c.Namespace.Should().Be("default");
        c.InsecureSkipTlsVerify.Should().BeTrue();
        c.Token.Should().BeOfType<StaticTokenSource>();
    }

    [Fact]
    public void A_named_context_wins_and_relative_paths_resolve_against_the_file()
    {
        using var ca = new Cmp.Simulators.KubeApi.Tls.TestCertificates();
        Directory.CreateDirectory(Path.Combine(_dir, "ca"));
        File.WriteAllText(Path.Combine(_dir, "ca", "prod.crt"), ca.CaPem);

        var c = KubeconfigLoader.Load([Write("config", Base)], "prod").Ok();

        c.Namespace.Should().Be("cmp");
        c.CaCertificates.Should().ContainSingle();
        c.Token.Should().BeOfType<FileTokenSource>().Which.Path.Should().Be(Path.Combine(_dir, "tokens", "prod"));
    }

    [Fact]
    public void With_several_files_the_first_definition_of_each_name_wins()
    {
        var first = Write("first", """
            current-context: dev
            users:
            - name: dev-user
              user: {token: from-first}
            """);
        var second = Write("second", Base.Replace("current-context: dev", "current-context: prod", StringComparison.Ordinal));

        var c = KubeconfigLoader.Load([first, second]).Ok();

        c.Server.Host.Should().Be("dev.example");
    }

    [Fact]
    public void Problems_are_errors_with_a_message_not_exceptions()
    {
        KubeconfigLoader.Load([Path.Combine(_dir, "missing")]).Fails("kube_no_kubeconfig");
        KubeconfigLoader.Load([Write("config", Base)], "nope").Fails("kube_unknown_context");
        KubeconfigLoader.Load([Write("bad", "clusters: [oops")]).Fails("kube_bad_kubeconfig");
        KubeconfigLoader.Load([Write("ap", Base.Replace("user: {token: dev-token}", "user: {auth-provider: {name: gcp}}", StringComparison.Ordinal))])
            .Fails("kube_auth_provider_unsupported");
    }
}
