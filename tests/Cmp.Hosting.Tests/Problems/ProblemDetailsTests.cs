using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cmp.Hosting.Problems;
using Cmp.Primitives;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Cmp.Hosting.Tests.Problems;

/// <summary>Every error a CMP service returns is RFC 9457 problem+json with a reason.</summary>
public sealed class ProblemDetailsTests(ProblemDetailsTests.Fixture fixture) : IClassFixture<ProblemDetailsTests.Fixture>
{
    public sealed record Order(string Sku, int Quantity);

    public sealed class Fixture : IAsyncLifetime
    {
        public TestApp App { get; private set; } = null!;

        public async ValueTask InitializeAsync() =>
            App = await TestApp.StartAsync(new Dictionary<string, string?> { ["Cmp:MaxRequestBodyBytes"] = "1024" }, app =>
            {
                app.MapPost("/orders", (Order o) => TypedResults.Ok(o));
                app.MapGet("/boom", string () => throw new InvalidOperationException("secret internals"));
                app.MapGet("/credits", () => new Error("insufficient_credits", "Not enough credits.", ErrorKind.PaymentRequired)
                    .With("balance", 3).With("price", 5).ToProblem());
            }, withAuth: false);

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    readonly HttpClient _client = fixture.App.Client();

    [Fact]
    public async Task Unknown_route_is_404_problem_json()
    {
        var response = await _client.GetAsync("/nope");

        await ShouldBeProblem(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Wrong_method_is_405_problem_json()
    {
        var response = await _client.DeleteAsync("/orders");

        await ShouldBeProblem(response, HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Malformed_json_is_400_with_the_parsers_reason()
    {
        var response = await _client.PostAsync("/orders", new StringContent("{\"sku\": ", Encoding.UTF8, "application/json"));

        var problem = await ShouldBeProblem(response, HttpStatusCode.BadRequest);
        problem.GetProperty("code").GetString().Should().Be("invalid_request");
        problem.GetProperty("detail").GetString().Should().Contain("JSON");
    }

    [Fact]
    public async Task An_unknown_field_is_400_naming_the_field()
    {
        var response = await _client.PostAsync("/orders", new StringContent("{\"sku\":\"A\",\"quantity\":1,\"quantitty\":2}", Encoding.UTF8, "application/json"));

        var problem = await ShouldBeProblem(response, HttpStatusCode.BadRequest);
        problem.GetProperty("detail").GetString().Should().Contain("quantitty");
    }

    [Fact]
    public async Task A_missing_required_field_is_400_naming_the_field()
    {
        var response = await _client.PostAsync("/orders", new StringContent("{\"sku\":\"A\"}", Encoding.UTF8, "application/json"));

        var problem = await ShouldBeProblem(response, HttpStatusCode.BadRequest);
        problem.GetProperty("detail").GetString().Should().Contain("quantity");
    }

    [Fact]
    public async Task Wrong_content_type_is_415_problem_json()
    {
        var response = await _client.PostAsync("/orders", new StringContent("sku=x", Encoding.UTF8, "text/plain"));

        await ShouldBeProblem(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Oversized_body_is_413_problem_json()
    {
        var big = JsonSerializer.Serialize(new { sku = new string('x', 4096), quantity = 1 });

        var response = await _client.PostAsync("/orders", new StringContent(big, Encoding.UTF8, "application/json"));

        var problem = await ShouldBeProblem(response, HttpStatusCode.RequestEntityTooLarge);
        problem.GetProperty("code").GetString().Should().Be("payload_too_large");
    }

    [Fact]
    public async Task Unhandled_exception_is_500_without_internals()
    {
        var response = await _client.GetAsync("/boom");

        var problem = await ShouldBeProblem(response, HttpStatusCode.InternalServerError);
        problem.GetRawText().Should().NotContain("secret internals");
        problem.GetProperty("trace_id").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Domain_errors_map_to_status_and_carry_their_details()
    {
        var response = await _client.GetAsync("/credits");

        var problem = await ShouldBeProblem(response, HttpStatusCode.PaymentRequired);
        problem.GetProperty("code").GetString().Should().Be("insufficient_credits");
        problem.GetProperty("type").GetString().Should().Be("https://cmp.dev/problems/insufficient-credits");
        problem.GetProperty("balance").GetInt32().Should().Be(3);
        problem.GetProperty("price").GetInt32().Should().Be(5);
    }

    [Fact]
    public async Task Correlation_id_is_echoed_and_generated_when_absent()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Add("X-Correlation-Id", "abc-123");

        var echoed = await _client.SendAsync(request);
        var generated = await _client.GetAsync("/healthz");

        echoed.Headers.GetValues("X-Correlation-Id").Should().Equal("abc-123");
        generated.Headers.GetValues("X-Correlation-Id").Single().Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Health_openapi_are_served()
    {
        (await _client.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _client.GetAsync("/readyz")).StatusCode.Should().Be(HttpStatusCode.OK);
        var openapi = await _client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        openapi.GetProperty("openapi").GetString().Should().StartWith("3.");
        openapi.GetProperty("paths").TryGetProperty("/orders", out _).Should().BeTrue();
    }

    static async Task<JsonElement> ShouldBeProblem(HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.Should().Be(status);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().Should().Be((int)status);
        problem.GetProperty("title").GetString().Should().NotBeNullOrEmpty();
        problem.GetProperty("code").GetString().Should().NotBeNullOrEmpty();
        problem.GetProperty("detail").GetString().Should().NotBeNullOrEmpty();
        return problem;
    }
}
