using System.Text.Json.Nodes;
using Cmp.Deploy.Tests.Tooling;
using Cmp.Testing;
using static Cmp.Deploy.Tests.Tooling.Manifests;

namespace Cmp.Deploy.Tests.Charts;

/// <summary>The Keycloak realm the cluster imports (charts/cmp/files/cmp-realm.json) and the services' settings agree:
/// every ServiceAuth client exists with a service account, the KinD secrets are the realm's, the audience exists.</summary>
public sealed class RealmAlignmentTests
{
    static readonly JsonObject Realm = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "charts", "cmp", "files", "cmp-realm.json")))!.AsObject();

    static JsonObject? Client(string id) => Realm["clients"]!.AsArray().FirstOrDefault(c => Str(c!["clientId"]) == id)?.AsObject();

    [Fact]
    public void Every_service_client_exists_with_a_service_account_and_the_kind_secret_matches()
    {
        var kind = Render.Kind();
        var checkedClients = 0;
        foreach (var s in ServiceInfo.All)
        {
            var config = kind.Single("ConfigMap", $"cmp-{s.Folder}")["data"]!;
            if (config["ServiceAuth__ClientId"] is not { } id) continue;
            var client = Client(Str(id));
            client.Should().NotBeNull($"{s.Folder} authenticates as {id}");
            client!["serviceAccountsEnabled"]!.GetValue<bool>().Should().BeTrue();
            var secret = kind.Single("Secret", $"cmp-{s.Folder}")["stringData"]!["ServiceAuth__ClientSecret"];
            Str(secret).Should().Be(Str(client["secret"]), $"the KinD value of {s.Folder}'s client secret must be the realm's");
            checkedClients++;
        }
        checkedClients.Should().Be(3);
    }

    [Fact]
    public void The_audience_every_service_expects_is_a_client_of_the_realm()
    {
        var kind = Render.Kind();
        foreach (var s in ServiceInfo.All)
        {
            var audience = Str(kind.Single("ConfigMap", $"cmp-{s.Folder}")["data"]!["Auth__Audience"]);
            audience.Should().Be("cmp-api");
            Client(audience).Should().NotBeNull();
        }
        Str(Realm["realm"]).Should().Be("cmp");
        Str(kind.Single("ConfigMap", "cmp-gateway")["data"]!["Auth__Authority"]).Should().EndWith("/realms/cmp");
    }
}
