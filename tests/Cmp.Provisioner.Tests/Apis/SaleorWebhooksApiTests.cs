using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cmp.Hosting.Http;
using Cmp.Saleor.Client;
using Cmp.Saleor.GraphQL;
using Cmp.Testing;
using Cmp.Testing.Platform;
using Cmp.Testing.Postgres;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Cmp.Provisioner.Tests.Apis;

/// <summary>
/// The webhook endpoint refuses anything that is not a genuine delivery from the configured Saleor, stores nothing
/// for it, and provisions nothing. Genuine deliveries are captured from the simulator (a second webhook of the same
/// app points at a capture endpoint in the test) and then replayed, tampered with or forged.
/// </summary>
public sealed class SaleorWebhooksApiTests(PostgresFixture pg) : IAsyncLifetime
{
    sealed record Captured(byte[] Body, Dictionary<string, string> Headers);

    readonly ConcurrentQueue<Captured> _captured = new();
    PlatformStack _stack = null!;
    WebApplication _capture = null!;
    HttpClient _provisioner = null!;

    public async ValueTask InitializeAsync()
    {
        // Unknown signing keys are looked up again at once (in production at most every 2 s, else a 503 asks Saleor to retry).
        _stack = await PlatformStack.StartAsync(pg, new PlatformOptions { ProvisionerSettings = new() { ["Saleor:JwksMinRefetchInterval"] = "00:00:00" } });
        _provisioner = new HttpClient { BaseAddress = _stack.ProvisionerUrl };
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _capture = builder.Build();
        _capture.MapPost("/capture", async (HttpRequest r) =>
        {
            using var ms = new MemoryStream();
            await r.Body.CopyToAsync(ms);
            _captured.Enqueue(new Captured(ms.ToArray(), r.Headers.ToDictionary(h => h.Key, h => h.Value.ToString())));
            return Results.Ok();
        });
        await _capture.StartAsync();
        var url = _capture.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var app = SaleorClientFactory.Create(_stack.Saleor.ApiUrl, _stack.SaleorAppToken, new HttpResilienceOptions());
        var created = await app.ExecuteAsync<JsonElement>("WebhookCreate", new
        {
            input = new
            {
                name = "test-capture", targetUrl = $"{url}/capture", isActive = true, asyncEvents = new[] { "ORDER_FULLY_PAID" },
                query = SaleorOperations.Default.Get("OrderFullyPaid").Document,
            },
        });
        created.IsSuccess.Should().BeTrue(created.Error?.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await _capture.DisposeAsync();
        await _stack.DisposeAsync();
    }

    async Task<Captured> GenuineDeliveryAsync()
    {
        await _stack.Shopper.PurchaseAsync("buyer@example.com", ("CREDITS-100", 1));
        return await Poller.ValueAsync(() => Task.FromResult(_captured.TryPeek(out var c) ? c : null), "a captured ORDER_FULLY_PAID delivery");
    }

    async Task<HttpResponseMessage> Deliver(byte[] body, IDictionary<string, string> headers, string path = "/webhooks/saleor/order_fully_paid")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        foreach (var (k, v) in headers)
            if (k.StartsWith("Saleor-", StringComparison.OrdinalIgnoreCase) || k.StartsWith("X-Saleor-", StringComparison.OrdinalIgnoreCase))
                request.Headers.TryAddWithoutValidation(k, v);
        return await _provisioner.SendAsync(request);
    }

    async Task<int> InboxCountAsync()
    {
        using var admin = new HttpClient { BaseAddress = _stack.ProvisionerUrl };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", await _stack.Identity.AdminTokenAsync());
        return (await admin.GetFromJsonAsync<JsonElement>("/v1/inbox?limit=500")).GetProperty("items").GetArrayLength();
    }

    async Task ShouldBeRefused(HttpResponseMessage response, HttpStatusCode status, string code, int inboxBefore)
    {
        response.StatusCode.Should().Be(status);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().Should().Be(code);
        (await InboxCountAsync()).Should().Be(inboxBefore, "a refused delivery is never stored");
    }

    [Fact]
    public async Task A_genuine_delivery_replayed_is_accepted_and_recognised_as_a_duplicate()
    {
        var genuine = await GenuineDeliveryAsync();
        await Poller.UntilAsync(async () => await InboxCountAsync() == 1, "the simulator's own delivery");

        var response = await Deliver(genuine.Body, genuine.Headers);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean().Should().BeTrue();
        (await InboxCountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task Tampered_reserialised_unsigned_forged_and_foreign_deliveries_are_refused()
    {
        var genuine = await GenuineDeliveryAsync();
        await Poller.UntilAsync(async () => await InboxCountAsync() == 1, "the simulator's own delivery");
        var before = await InboxCountAsync();

        var tampered = (byte[])genuine.Body.Clone();
        var at = Array.IndexOf(tampered, (byte)'1');
        tampered[at] = (byte)'9';
        await ShouldBeRefused(await Deliver(tampered, genuine.Headers), HttpStatusCode.Unauthorized, "webhook_signature_invalid", before);

        var reserialised = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(JsonDocument.Parse(genuine.Body).RootElement));
        await ShouldBeRefused(await Deliver(reserialised, genuine.Headers), HttpStatusCode.Unauthorized, "webhook_signature_invalid", before);

        var unsigned = genuine.Headers.Where(h => !h.Key.EndsWith("Signature", StringComparison.OrdinalIgnoreCase)).ToDictionary();
        await ShouldBeRefused(await Deliver(genuine.Body, unsigned), HttpStatusCode.Unauthorized, "webhook_signature_missing", before);

        var forged = new Dictionary<string, string>(genuine.Headers) { ["Saleor-Signature"] = ForeignSignature(genuine.Body) };
        forged.Remove("X-Saleor-Signature");
        await ShouldBeRefused(await Deliver(genuine.Body, forged), HttpStatusCode.Unauthorized, "webhook_key_unknown", before);

        var foreign = new Dictionary<string, string>(genuine.Headers) { ["Saleor-Domain"] = "evil.example", ["X-Saleor-Domain"] = "evil.example" };
        await ShouldBeRefused(await Deliver(genuine.Body, foreign), HttpStatusCode.Forbidden, "webhook_domain_mismatch", before);

        var elsewhere = new Dictionary<string, string>(genuine.Headers) { ["Saleor-Api-Url"] = "https://evil.example/graphql/" };
        await ShouldBeRefused(await Deliver(genuine.Body, elsewhere), HttpStatusCode.Forbidden, "webhook_api_url_mismatch", before);
    }

    [Fact]
    public async Task A_delivery_sent_to_the_wrong_event_endpoint_is_refused()
    {
        var genuine = await GenuineDeliveryAsync();
        await Poller.UntilAsync(async () => await InboxCountAsync() == 1, "the simulator's own delivery");

        await ShouldBeRefused(await Deliver(genuine.Body, genuine.Headers, "/webhooks/saleor/order_cancelled"),
            HttpStatusCode.BadRequest, "webhook_event_mismatch", 1);
    }

    [Fact]
    public async Task An_oversized_body_is_refused_before_anything_else()
    {
        var huge = new byte[3 * 1024 * 1024];
        Array.Fill(huge, (byte)' ');

        var response = await Deliver(huge, new Dictionary<string, string> { ["Saleor-Event"] = "order_fully_paid", ["Saleor-Signature"] = "x..y" });

        response.StatusCode.Should().BeOneOf(HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.BadRequest);
        (await InboxCountAsync()).Should().Be(0);
    }

    /// <summary>A JWS over the body in Saleor's format, signed by a key Saleor does not publish.</summary>
    static string ForeignSignature(byte[] body)
    {
        using var rsa = RSA.Create(2048);
        var header = Base64UrlEncoder.Encode("""{"alg":"RS256","b64":false,"crit":["b64"],"kid":"attacker","typ":"JWT"}""");
        var input = Encoding.ASCII.GetBytes(header + ".").Concat(body).ToArray();
        return $"{header}..{Base64UrlEncoder.Encode(rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))}";
    }
}
