using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Cmp.AgentCommerce.Tests.Acp;
using Cmp.AgentCommerce.Tests.Harness;

namespace Cmp.AgentCommerce.Tests.Feed;

/// <summary>The product feeds from the Saleor catalog (conformance checklist L, 111–118): ACP Product lines valid
/// against schema.feed.json, OpenAI's flat feed, flags from product metadata, Saleor paging, ETag caching.</summary>
public sealed class ProductFeedTests(CommerceWorld world, IsolatedSaleor isolated) : IClassFixture<IsolatedSaleor>
{
    static async Task<(HttpResponseMessage Response, string Text)> GetAsync(GatewayHost gw, string path, string? key = CommerceWorld.PlatformKey, string? etag = null)
    {
        using var http = gw.Service.CreateHttpClient(key);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (etag is not null) request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(etag));
        var response = await http.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    static IReadOnlyList<JsonElement> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();

    [Fact]
    public async Task Every_ACP_feed_line_is_a_valid_Product_whose_variant_ids_are_the_checkout_item_ids()
    {
        var (response, text) = await GetAsync(isolated.Gateway, "/acp/feed/products.jsonl");
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/jsonl");
        var products = Lines(text);
        products.Should().HaveCount(8, "the demo catalog");
        foreach (var p in products) await world.Schemas.AssertValidAsync("2026-04-17", "feed", "Product", p);   // checklist 111
        var variants = products.SelectMany(p => p.GetProperty("variants").EnumerateArray()).ToArray();
        variants.Select(v => v.GetProperty("id").GetString()).Should().BeEquivalentTo(
            ["CSA-BASIC", "CSA-PRO", "KBA-BASIC", "KBA-PRO", "CREDITS-100", "CREDITS-500", "CMP-MUG", "CMP-HOODIE"], "variant id = SKU (checklist 114)");
        var pro = variants.Single(v => v.GetProperty("id").GetString() == "CSA-PRO").GetProperty("price");
        pro.GetProperty("amount").GetInt64().Should().Be(4999, "minor units (checklist 113)");
        pro.GetProperty("currency").GetString().Should().Be("USD", "upper case in feeds (checklist 113)");
        text.Should().NotContain("@", "no buyer data in a feed (checklist 115)");

        using var acp = isolated.Gateway.Acp("2026-04-17");
        (await acp.CreateAsync(AcpBodies.Create("2026-04-17", ("KBA-PRO", 1)))).Status.Should().Be(201, "a feed id is accepted by checkout (checklist 114)");
        var (_, again) = await GetAsync(isolated.Gateway, "/acp/feed/products.jsonl");
        again.Should().Be(text, "stable across exports");
    }

    [Fact]
    public async Task The_feed_metadata_is_a_valid_FeedMetadata()
    {
        var (response, text) = await GetAsync(isolated.Gateway, "/acp/feed/metadata.json");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var doc = JsonDocument.Parse(text).RootElement;
        await world.Schemas.AssertValidAsync("2026-04-17", "feed", "FeedMetadata", doc);   // checklist 112
        doc.GetProperty("target_country").GetString().Should().Be("US");
    }

    [Fact]
    public async Task The_OpenAI_flat_feed_has_one_item_per_variant_with_flags_prices_and_seller_policies()
    {
        var (response, text) = await GetAsync(isolated.Gateway, "/acp/feed/openai.jsonl");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var items = Lines(text);
        items.Should().HaveCount(8);
        foreach (var i in items)
        {
            foreach (var field in new[] { "id", "title", "description", "link", "price", "availability", "brand", "seller_name", "return_policy", "return_window", "mpn" })
                i.TryGetProperty(field, out _).Should().BeTrue($"{field} is required by the flat feed");
            i.GetProperty("enable_search").ValueKind.Should().Be(JsonValueKind.True);
            i.GetProperty("enable_checkout").ValueKind.Should().Be(JsonValueKind.True, "checklist 118: booleans");
            i.GetProperty("seller_privacy_policy").GetString().Should().NotBeNullOrEmpty("required with enable_checkout (checklist 118)");
            i.GetProperty("seller_tos").GetString().Should().NotBeNullOrEmpty();
        }
        items.Single(i => i.GetProperty("id").GetString() == "CSA-PRO").GetProperty("price").GetString().Should().Be("49.99 USD");
        items.Single(i => i.GetProperty("id").GetString() == "CMP-MUG").GetProperty("inventory_quantity").GetInt32().Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task A_feed_is_served_from_cache_with_a_strong_ETag_and_304_when_unchanged()
    {
        var (first, _) = await GetAsync(isolated.Gateway, "/acp/feed/products.jsonl");
        var etag = first.Headers.ETag!.Tag;
        etag.Should().MatchRegex("^\"[0-9a-f]{32}\"$");
        first.Headers.ETag.IsWeak.Should().BeFalse();
        first.Headers.CacheControl!.MaxAge.Should().NotBeNull();
        var (second, body) = await GetAsync(isolated.Gateway, "/acp/feed/products.jsonl", etag: etag);
        second.StatusCode.Should().Be(HttpStatusCode.NotModified);
        body.Should().BeEmpty();
    }

    [Fact]
    public async Task Flags_and_stock_from_Saleor_drive_the_feed_which_pages_through_the_whole_catalog()
    {
        await using var gw = await world.StartGatewayAsync(new() { ["Feed:PageSize"] = "3", ["Feed:CacheFor"] = "00:00:00" }, isolated.Saleor,
            isolated.Gateway.Settings["Saleor:AppToken"]);
        var staff = await CommerceWorld.StaffAsync(isolated.Saleor);
        var hoodie = (await staff.ExecuteAsync<JsonElement>("CatalogVariant", new { sku = "CMP-HOODIE", channel = "default-channel" }))
            .Value.GetProperty("productVariant").GetProperty("product").GetProperty("id").GetString();
        await staff.ExecuteAsync<JsonElement>("UpdateMetadata", new { id = hoodie, input = new[] { new { key = "acp.enable_search", value = "false" } } });
        await isolated.Staff.SetStockAsync("CMP-MUG", 0);
        try
        {
            var acpFeed = Lines((await GetAsync(gw, "/acp/feed/products.jsonl")).Text);
            acpFeed.Should().HaveCount(7, "8 products over pages of 3, minus the one not searchable");
            acpFeed.Should().NotContain(p => p.GetProperty("id").GetString() == "cmp-hoodie");
            var mug = acpFeed.Single(p => p.GetProperty("id").GetString() == "cmp-agent-mug").GetProperty("variants")[0].GetProperty("availability");
            mug.GetProperty("available").GetBoolean().Should().BeFalse("checklist 117: marked, not deleted");
            mug.GetProperty("status").GetString().Should().Be("out_of_stock");

            var flat = Lines((await GetAsync(gw, "/acp/feed/openai.jsonl")).Text);
            var h = flat.Single(i => i.GetProperty("id").GetString() == "CMP-HOODIE");
            h.GetProperty("enable_search").GetBoolean().Should().BeFalse();
            h.GetProperty("enable_checkout").GetBoolean().Should().BeFalse("checkout needs search");
            flat.Single(i => i.GetProperty("id").GetString() == "CMP-MUG").GetProperty("availability").GetString().Should().Be("out_of_stock");
        }
        finally
        {
            await staff.ExecuteAsync<JsonElement>("UpdateMetadata", new { id = hoodie, input = new[] { new { key = "acp.enable_search", value = "true" } } });
            await isolated.Staff.SetStockAsync("CMP-MUG", 100);
        }
    }

    [Fact]
    public async Task Feeds_need_a_platform_key_or_a_signed_in_user()
    {
        (await GetAsync(isolated.Gateway, "/acp/feed/products.jsonl", key: null)).Response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await GetAsync(isolated.Gateway, "/acp/feed/products.jsonl", key: await world.Identity.BuyerTokenAsync())).Response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
