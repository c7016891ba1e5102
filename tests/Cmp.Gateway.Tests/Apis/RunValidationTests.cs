using System.Net;
using System.Text;
using Cmp.Gateway.Tests.Support;

namespace Cmp.Gateway.Tests.Apis;

/// <summary>Every bad request gets its own clear error, before anything is reserved or run.</summary>
public sealed class RunValidationTests(Platform platform) : IAsyncLifetime
{
    Account _account = null!;

    public async ValueTask InitializeAsync()
    {
        await platform.ResetSimAsync();
        _account = await platform.AccountAsync(credits: 5);
    }

    public async ValueTask DisposeAsync()
    {
        (await platform.LedgerAsync(_account.TenantId)).Select(e => e.Kind).Should().Equal(["grant"], "a refused request reserves nothing");
        (await platform.SimRunsAsync()).Should().BeEmpty("a refused request never reaches Langflow");
    }

    [Theory]
    [InlineData("""{"input":"Hi"}""", "instance_id_required", "instance_id")]
    [InlineData("""{"instance_id":"00000000-0000-0000-0000-000000000000","input":"Hi"}""", "instance_id_required", "instance_id")]
    [InlineData("""{"instance_id":"{instance}"}""", "input_required", "input")]
    [InlineData("""{"instance_id":"{instance}","input":"   "}""", "input_required", "input")]
    [InlineData("""{"instance_id":"{instance}","input":"Hi","session_id":""}""", "session_id_invalid", "session_id")]
    [InlineData("""{"instance_id":"{instance}","input":"Hi","session_id":"a\u0001b"}""", "session_id_invalid", "session_id")]
    [InlineData("{}", "instance_id_required", "instance_id")]
    public async Task A_request_that_breaks_a_rule_is_422_naming_the_field(string json, string code, string field)
    {
        var (response, problem) = await SendAsync(json.Replace("{instance}", _account.InstanceId.ToString(), StringComparison.Ordinal));

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, problem.ToString());
        problem.Code().Should().Be(code);
        problem.GetProperty("errors").EnumerateArray().Should().Contain(e => e.GetProperty("field").GetString() == field);
    }

    [Fact]
    public async Task Every_broken_field_is_listed()
    {
        var (response, problem) = await SendAsync("""{"session_id":""}""");

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString())
            .Should().BeEquivalentTo("instance_id", "input", "session_id");
    }

    [Fact]
    public async Task A_session_id_longer_than_200_characters_is_422()
    {
        var (response, problem) = await SendAsync($$"""{"instance_id":"{{_account.InstanceId}}","input":"Hi","session_id":"{{new string('s', 201)}}"}""");

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        problem.Code().Should().Be("session_id_invalid");
    }

    [Fact]
    public async Task An_input_over_the_limit_is_422()
    {
        await using var gateway = platform.StartGateway(new() { ["Runs:MaxInputLength"] = "10" });

        var (response, problem) = await SendAsync($$"""{"instance_id":"{{_account.InstanceId}}","input":"{{new string('x', 11)}}"}""", gateway);

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        problem.Code().Should().Be("input_too_long");
    }

    [Theory]
    [InlineData("""{"instance_id":"{instance}","input":"Hi","session":"typo"}""")]    // unknown member
    [InlineData("""{"instance_id":123,"input":"Hi"}""")]                               // wrong type
    [InlineData("""{"instance_id":"{instance}","input":""")]                           // not JSON
    public async Task A_body_that_is_not_a_run_request_is_400(string json)
    {
        var (response, problem) = await SendAsync(json.Replace("{instance}", _account.InstanceId.ToString(), StringComparison.Ordinal));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, problem.ToString());
        problem.TryGetProperty("code", out _).Should().BeTrue();
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        var (response, problem) = await SendAsync("instance_id=1", contentType: "application/x-www-form-urlencoded");

        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        problem.Code().Should().Be("unsupported_media_type");
    }

    [Fact]
    public async Task An_oversized_body_is_413_before_it_is_read()
    {
        await using var gateway = platform.StartGateway(new() { ["Runs:MaxRequestBytes"] = "2048" });

        var (response, problem) = await SendAsync($$"""{"instance_id":"{{_account.InstanceId}}","input":"{{new string('x', 4096)}}"}""", gateway);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge, problem.ToString());
        problem.Code().Should().Be("payload_too_large");
    }

    [Fact]
    public async Task An_unknown_instance_is_404()
    {
        var (response, problem) = await SendAsync($$"""{"instance_id":"{{Guid.NewGuid()}}","input":"Hi"}""");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        problem.Code().Should().Be("instance_not_found");
    }

    [Fact]
    public async Task Listing_with_a_bad_limit_is_422()
    {
        using var client = platform.Gateway.Client(_account.Key);

        var (response, problem) = await client.GetJsonAsync("/v1/runs?limit=0");

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        problem.Code().Should().Be("limit_invalid");
    }

    async Task<(HttpResponseMessage Response, System.Text.Json.JsonElement Body)> SendAsync(string body, TestGateway? gateway = null,
        string contentType = "application/json")
    {
        using var client = (gateway ?? platform.Gateway).Client(_account.Key);
        var response = await client.PostAsync("/v1/runs", new StringContent(body, Encoding.UTF8, contentType));
        return (response, await Http.ReadAsync(response));
    }
}
