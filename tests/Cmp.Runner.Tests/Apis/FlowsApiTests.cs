using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Cmp.Runner.Tests.Support;

namespace Cmp.Runner.Tests.Apis;

/// <summary><c>/v1/flows/{id}</c>: idempotent import by fixed id, read, idempotent delete; clashes and bad documents.</summary>
public sealed class FlowsApiTests(FlowsApiTests.Harness h) : IClassFixture<FlowsApiTests.Harness>, IAsyncLifetime
{
    public sealed class Harness : RunnerHarness
    {
        protected override Dictionary<string, string?> Overrides() => new() { ["Runner:MaxFlowBytes"] = "4194304" };
    }

    HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        await h.ResetSimAsync();
        _client = await h.ServiceClientAsync();
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return default;
    }

    static string NewId() => Guid.NewGuid().ToString();

    Task<HttpResponseMessage> PutAsync(string id, JsonNode flow) => _client.PutAsync($"/v1/flows/{id}", RunnerHarness.Json(flow));

    [Fact]
    public async Task Importing_a_new_flow_creates_it_and_repeating_the_import_changes_nothing()
    {
        var id = NewId();
        var flow = RunnerHarness.FlowVariant(id, "Repeatable Import");

        var first = await PutAsync(id, flow);
        var again = await PutAsync(id, flow);

        first.StatusCode.Should().Be(HttpStatusCode.Created);
        first.Headers.Location!.ToString().Should().Be($"/v1/flows/{id}");
        again.StatusCode.Should().Be(HttpStatusCode.OK);
        var created = await first.BodyAsync();
        var repeated = await again.BodyAsync();
        created.GetProperty("id").GetString().Should().Be(id);
        repeated.GetProperty("id").GetString().Should().Be(id);
        repeated.GetProperty("name").GetString().Should().Be("Repeatable Import", "a repeat is an update, not a renamed copy");
        repeated.GetProperty("endpoint_name").GetString().Should().Be("repeatable-import");
    }

    [Fact]
    public async Task Importing_over_an_existing_flow_updates_it()
    {
        var id = NewId();
        await PutAsync(id, RunnerHarness.FlowVariant(id, "Updatable"));

        var update = await PutAsync(id, RunnerHarness.FlowVariant(id, "Updatable", f => f["description"] = "second version"));
        var read = await _client.GetAsync($"/v1/flows/{id}");

        update.StatusCode.Should().Be(HttpStatusCode.OK);
        (await read.BodyAsync()).GetProperty("description").GetString().Should().Be("second version");
    }

    [Fact]
    public async Task An_imported_flow_runs_at_once_by_its_endpoint_name()
    {
        var id = NewId();
        await PutAsync(id, RunnerHarness.FlowVariant(id, "Fresh Agent"));

        var run = await _client.PostAsync("/v1/runs", RunnerHarness.Json(new { flow_id = "fresh-agent", input = "Hi" }));

        run.StatusCode.Should().Be(HttpStatusCode.OK);
        (await h.RunsAsync()).Single().GetProperty("flow_id").GetString().Should().Be(id);
    }

    [Fact]
    public async Task A_new_flow_with_another_flows_endpoint_name_is_409()
    {
        var id = NewId();
        var flow = RunnerHarness.FlowVariant(id, "Clashing Endpoint", f => f["endpoint_name"] = RunnerHarness.AgentEndpoint);

        var problem = await (await PutAsync(id, flow)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "flow_conflict");

        problem.GetProperty("detail").GetString().Should().Contain("Endpoint name must be unique");
        await (await _client.GetAsync($"/v1/flows/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "flow_not_found");
    }

    [Fact]
    public async Task Renaming_a_flow_to_another_flows_name_is_409()
    {
        var id = NewId();
        await PutAsync(id, RunnerHarness.FlowVariant(id, "Soon Clashing"));
        var agentName = RunnerHarness.AgentFlow()["name"]!.GetValue<string>();

        var problem = await (await PutAsync(id, RunnerHarness.FlowVariant(id, "Soon Clashing", f => f["name"] = agentName)))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "flow_conflict");

        problem.GetProperty("detail").GetString().Should().Contain("Name must be unique");
    }

    [Fact]
    public async Task Reading_a_flow_returns_it_as_langflow_stores_it()
    {
        var response = await _client.GetAsync($"/v1/flows/{RunnerHarness.AgentFlowId}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var flow = await response.BodyAsync();
        flow.GetProperty("id").GetString().Should().Be(RunnerHarness.AgentFlowId);
        flow.GetProperty("endpoint_name").GetString().Should().Be(RunnerHarness.AgentEndpoint);
        flow.GetProperty("data").GetProperty("nodes").GetArrayLength().Should().Be(4);
    }

    [Fact]
    public async Task Reading_an_unknown_flow_is_404()
    {
        var problem = await (await _client.GetAsync($"/v1/flows/{NewId()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "flow_not_found");

        problem.GetProperty("flow_id").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Deleting_is_idempotent()
    {
        var id = NewId();
        await PutAsync(id, RunnerHarness.FlowVariant(id, "Short Lived"));

        var first = await _client.DeleteAsync($"/v1/flows/{id}");
        var second = await _client.DeleteAsync($"/v1/flows/{id}");

        first.StatusCode.Should().Be(HttpStatusCode.NoContent);
        second.StatusCode.Should().Be(HttpStatusCode.NoContent);
        await (await _client.GetAsync($"/v1/flows/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "flow_not_found");
        await (await _client.PostAsync("/v1/runs", RunnerHarness.Json(new { flow_id = id, input = "Hi" })))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound, "flow_not_found");
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task A_flow_id_that_is_not_a_uuid_is_422(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "/v1/flows/cmp-agent");
        if (method == "PUT") request.Content = RunnerHarness.Json(RunnerHarness.AgentFlow());

        await (await _client.SendAsync(request)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "flow_id_invalid");
    }

    [Theory]
    [InlineData("[]", "JSON object")]
    [InlineData("\"flow\"", "JSON object")]
    [InlineData("""{"description": "no name"}""", "'name'")]
    [InlineData("""{"name": "  "}""", "'name'")]
    [InlineData("""{"name": 7}""", "'name'")]
    [InlineData("""{"name": "Bad Data", "data": [1, 2]}""", "'data'")]
    [InlineData("""{"name": "Other Id", "id": "11111111-2222-4333-8444-555555555555"}""", "differs from the id in the path")]
    [InlineData("""{"name": "Bad Endpoint", "endpoint_name": "has spaces"}""", "Endpoint name must contain only letters")]
    [InlineData("""{"name": "No Nodes", "data": {"edges": []}}""", "Flow must have nodes")]
    public async Task A_flow_document_that_is_not_a_valid_flow_is_422(string json, string reason)
    {
        var response = await _client.PutAsync($"/v1/flows/{NewId()}", new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "flow_document_invalid");
        problem.GetProperty("detail").GetString().Should().Contain(reason);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_400_and_a_non_json_content_type_415()
    {
        await (await _client.PutAsync($"/v1/flows/{NewId()}", new StringContent("{\"name\": ", Encoding.UTF8, "application/json")))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_json");
        await (await _client.PutAsync($"/v1/flows/{NewId()}", new StringContent("name=x", Encoding.UTF8, "text/plain")))
            .ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Flows_larger_than_the_default_request_limit_are_accepted_up_to_max_flow_bytes()
    {
        var id = NewId();
        var big = RunnerHarness.FlowVariant(id, "Big Flow", f => f["description"] = new string('d', 2 * 1024 * 1024));
        var tooBig = RunnerHarness.FlowVariant(NewId(), "Too Big Flow", f => f["description"] = new string('d', 5 * 1024 * 1024));

        (await PutAsync(id, big)).StatusCode.Should().Be(HttpStatusCode.Created, "2 MiB is over the 1 MiB default but under Runner:MaxFlowBytes");
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/v1/flows/{tooBig["id"]}") { Content = RunnerHarness.Json(tooBig) };
        request.Headers.ExpectContinue = true;   // as a well-behaved uploader of large bodies: ask before sending
        var problem = await (await _client.SendAsync(request)).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        problem.GetProperty("detail").GetString().Should().Contain("Runner:MaxFlowBytes");
    }
}
