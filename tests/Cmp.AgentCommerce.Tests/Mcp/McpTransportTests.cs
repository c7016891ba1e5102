using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cmp.AgentCommerce.Tests.Harness;
using ModelContextProtocol.Protocol;

namespace Cmp.AgentCommerce.Tests.Mcp;

/// <summary>Streamable HTTP on the wire (raw requests), authentication, sessions, and the tool catalogue as clients see it.</summary>
public sealed class McpTransportTests(CommerceWorld world)
{
    static readonly string[] Tools =
    [
        "search_catalog", "get_product", "create_checkout", "get_checkout", "update_checkout", "complete_checkout", "cancel_checkout",
        "get_order", "list_my_agents", "run_agent", "get_credit_balance",
    ];

    [Fact]
    public async Task Every_tool_is_listed_with_an_input_schema_a_structured_output_schema_and_honest_annotations()
    {
        await using var mcp = await McpConnection.OpenAsync(world.Gateway.Url, await world.Identity.BuyerTokenAsync());
        var tools = (await mcp.Client.ListToolsAsync()).Select(t => t.ProtocolTool).ToDictionary(t => t.Name);
        tools.Keys.Should().BeEquivalentTo(Tools);
        foreach (var tool in tools.Values)
        {
            tool.Description.Should().NotBeNullOrWhiteSpace(tool.Name);
            tool.InputSchema.GetProperty("type").GetString().Should().Be("object", tool.Name);
            tool.OutputSchema.Should().NotBeNull("{0} returns structured content", tool.Name);
        }
        Required(tools["complete_checkout"]).Should().BeEquivalentTo(["checkout_id", "idempotency_key", "payment_token"]);
        Required(tools["create_checkout"]).Should().BeEquivalentTo(["items"]);
        tools["create_checkout"].InputSchema.GetProperty("properties").GetProperty("items").GetProperty("items")
            .GetProperty("properties").GetProperty("sku").GetProperty("type").GetString().Should().Be("string");
        foreach (var readOnly in new[] { "search_catalog", "get_product", "get_checkout", "get_order", "list_my_agents", "get_credit_balance" })
            tools[readOnly].Annotations!.ReadOnlyHint.Should().BeTrue(readOnly);
        tools["cancel_checkout"].Annotations!.DestructiveHint.Should().BeTrue();
        tools["complete_checkout"].Annotations!.ReadOnlyHint.Should().NotBe(true);
        Required(tools["run_agent"]).Should().BeEquivalentTo(["instance_id", "input"]);
        tools["run_agent"].Annotations!.ReadOnlyHint.Should().NotBe(true, "a run spends credits");
        tools["run_agent"].Annotations!.IdempotentHint.Should().NotBe(true, "without an idempotency_key every call is a new run");
        tools["complete_checkout"].OutputSchema!.Value.GetProperty("properties").TryGetProperty("order", out _).Should().BeTrue();
    }

    static string[] Required(Tool t) => t.InputSchema.GetProperty("required").EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Fact]
    public async Task Without_a_valid_token_the_answer_is_401_pointing_at_the_protected_resource_metadata()
    {
        using var http = world.Gateway.Service.CreateHttpClient();
        var anonymous = await http.SendAsync(Post(Initialize(), token: null));
        anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var challenge = anonymous.Headers.WwwAuthenticate.ToString();
        challenge.Should().StartWith("Bearer").And.Contain("resource_metadata=\"").And.Contain("/.well-known/oauth-protected-resource/mcp");
        (await Error(anonymous)).GetProperty("message").GetString().Should().Contain("Keycloak access token");

        var forged = await http.SendAsync(Post(Initialize(), token: "not.a.jwt"));
        forged.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        forged.Headers.WwwAuthenticate.ToString().Should().Contain("error=\"invalid_token\"");

        // An agent platform's ACP API key is not a buyer.
        var platform = await http.SendAsync(Post(Initialize(), token: CommerceWorld.PlatformKey));
        platform.StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        var metadataUrl = challenge.Split("resource_metadata=\"")[1].TrimEnd('"');
        var metadata = await http.GetFromJsonAsync<JsonElement>(new Uri(metadataUrl).PathAndQuery);
        metadata.GetProperty("resource").GetString().Should().EndWith("/mcp");
        metadata.GetProperty("authorization_servers")[0].GetString().Should().Be(world.Identity.AuthSettings()["Auth:Authority"]!.TrimEnd('/'));
    }

    [Fact]
    public async Task Requests_that_break_the_transport_rules_get_the_status_the_spec_gives()
    {
        var token = await world.Identity.BuyerTokenAsync();
        using var http = world.Gateway.Service.CreateHttpClient();

        var jsonOnly = Post(Initialize(), token);
        jsonOnly.Headers.Accept.Clear();
        jsonOnly.Headers.Accept.ParseAdd("application/json");
        (await http.SendAsync(jsonOnly)).StatusCode.Should().Be(HttpStatusCode.NotAcceptable);

        var badVersion = Post(ToolsList(), token, version: "1999-01-01");
        var bad = await http.SendAsync(badVersion);
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Error(bad)).GetProperty("message").GetString().Should().Contain("2025-11-25");

        var noSession = await http.SendAsync(Post(ToolsList(), token, version: "2025-11-25"));
        noSession.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Error(noSession)).GetProperty("message").GetString().Should().Contain("initialize");

        var unknown = await http.SendAsync(Post(ToolsList(), token, version: "2025-11-25", session: "nope"));
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Error(unknown)).GetProperty("code").GetInt32().Should().Be(-32001);

        var garbage = Post("{not json", token);
        (await http.SendAsync(garbage)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_session_is_opened_by_initialize_used_only_by_its_owner_and_ended_by_delete()
    {
        var buyer = await world.Identity.BuyerTokenAsync();
        using var http = world.Gateway.Service.CreateHttpClient();
        var init = await http.SendAsync(Post(Initialize(), buyer));
        init.StatusCode.Should().Be(HttpStatusCode.OK);
        init.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        var session = init.Headers.GetValues("Mcp-Session-Id").Single();
        (await init.Content.ReadAsStringAsync()).Should().Contain("\"protocolVersion\":\"2025-11-25\"");

        var initialized = await http.SendAsync(Post("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", buyer, "2025-11-25", session));
        initialized.StatusCode.Should().Be(HttpStatusCode.Accepted);
        initialized.Content.Headers.ContentType.Should().BeNull();

        var list = await http.SendAsync(Post(ToolsList(), buyer, "2025-11-25", session));
        list.StatusCode.Should().Be(HttpStatusCode.OK);
        (await list.Content.ReadAsStringAsync()).Should().Contain("complete_checkout");

        var other = await world.Identity.OtherTokenAsync();
        (await http.SendAsync(Post(ToolsList(), other, "2025-11-25", session))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var otherDelete = new HttpRequestMessage(HttpMethod.Delete, "/mcp");
        otherDelete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", other);
        otherDelete.Headers.Add("Mcp-Session-Id", session);
        (await http.SendAsync(otherDelete)).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var delete = new HttpRequestMessage(HttpMethod.Delete, "/mcp");
        delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", buyer);
        delete.Headers.Add("Mcp-Session-Id", session);
        (await http.SendAsync(delete)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await http.SendAsync(Post(ToolsList(), buyer, "2025-11-25", session))).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Idle_sessions_are_closed_and_the_oldest_makes_room_at_the_cap()
    {
        await using var gateway = await world.StartGatewayAsync(new() { ["Mcp:IdleTimeout"] = "00:00:02", ["Mcp:MaxSessions"] = "2" });
        var buyer = await world.Identity.BuyerTokenAsync();
        using var http = gateway.Service.CreateHttpClient();
        async Task<string> OpenAsync() => (await http.SendAsync(Post(Initialize(), buyer))).Headers.GetValues("Mcp-Session-Id").Single();
        async Task<HttpStatusCode> UseAsync(string s) => (await http.SendAsync(Post(ToolsList(), buyer, "2025-11-25", s))).StatusCode;

        var first = await OpenAsync();
        var second = await OpenAsync();
        var third = await OpenAsync();
        (await UseAsync(first)).Should().Be(HttpStatusCode.NotFound, "the least recently used session made room");
        (await UseAsync(second)).Should().Be(HttpStatusCode.OK);
        (await UseAsync(third)).Should().Be(HttpStatusCode.OK);
        await Cmp.Testing.Poller.UntilAsync(async () => await UseAsync(third) == HttpStatusCode.NotFound, "the idle session to be closed",
            TimeSpan.FromSeconds(15), interval: TimeSpan.FromSeconds(3));   // each probe uses the session: probe less often than it idles
    }

    static string Initialize() =>
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    static string ToolsList() => """{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}""";

    static HttpRequestMessage Post(string body, string? token, string? version = null, string? session = null)
    {
        var r = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        r.Headers.Accept.ParseAdd("application/json");
        r.Headers.Accept.ParseAdd("text/event-stream");
        if (token is not null) r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (version is not null) r.Headers.Add("MCP-Protocol-Version", version);
        if (session is not null) r.Headers.Add("Mcp-Session-Id", session);
        return r;
    }

    static async Task<JsonElement> Error(HttpResponseMessage r) =>
        JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
}
