using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Cmp.Gateway.Features.Acp;
using Cmp.Primitives;
using Cmp.Saleor.Catalog;

namespace Cmp.Gateway.Features.Feed;

/// <summary>The two feed formats, one JSON object per line, written straight to a stream as products arrive.</summary>
public static class FeedWriters
{
    static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>ACP feed <c>Product</c> (schema.feed.json): product id = slug, variant id = SKU (the checkout item id),
    /// prices in minor units with upper-case currency, availability from Saleor's stock answer.</summary>
    public static void WriteAcpProduct(Stream output, CatalogProduct p, MerchantOptions merchant, FeedOptions feed)
    {
        using var w = new Utf8JsonWriter(output, Compact);
        w.WriteStartObject();
        w.WriteString("id", p.Slug);
        w.WriteString("title", p.Name);
        var description = EditorJs.ToPlainText(p.Description);
        if (description.Length > 0) { w.WriteStartObject("description"); w.WriteString("plain", description); w.WriteEndObject(); }
        w.WriteString("url", ProductUrl(merchant, p.Slug, null));
        if (p.Thumbnail?.Url is { } image)
        {
            w.WriteStartArray("media");
            w.WriteStartObject(); w.WriteString("type", "image"); w.WriteString("url", image);
            if (!string.IsNullOrEmpty(p.Thumbnail.Alt)) w.WriteString("alt_text", p.Thumbnail.Alt);
            w.WriteEndObject();
            w.WriteEndArray();
        }
        w.WriteStartArray("variants");
        foreach (var v in p.Variants ?? [])
        {
            if (v.Sku is null) continue;   // no SKU, no checkout item id
            w.WriteStartObject();
            w.WriteString("id", v.Sku);
            w.WriteString("title", Title(p.Name, v.Name));
            if (description.Length > 0) { w.WriteStartObject("description"); w.WriteString("plain", description); w.WriteEndObject(); }
            w.WriteString("url", ProductUrl(merchant, p.Slug, v.Sku));
            if (Price(v) is { } price)
            {
                w.WriteStartObject("price"); w.WriteNumber("amount", price.Minor); w.WriteString("currency", price.Currency.ToUpperInvariant()); w.WriteEndObject();
            }
            var (available, status) = Availability(p, v, feed);
            w.WriteStartObject("availability"); w.WriteBoolean("available", available); w.WriteString("status", status); w.WriteEndObject();
            if (p.Category is { } c)
            {
                w.WriteStartArray("categories");
                w.WriteStartObject(); w.WriteString("value", c.Name); w.WriteString("taxonomy", "merchant"); w.WriteEndObject();
                w.WriteEndArray();
            }
            w.WriteStartArray("condition"); w.WriteStringValue("new"); w.WriteEndArray();
            w.WriteStartObject("seller");
            w.WriteString("name", merchant.Name);
            var links = SellerLinks(merchant).ToArray();
            if (links.Length > 0)
            {
                w.WriteStartArray("links");
                foreach (var (type, url) in links) { w.WriteStartObject(); w.WriteString("type", type); w.WriteString("url", url); w.WriteEndObject(); }
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        output.WriteByte((byte)'\n');
    }

    /// <summary>OpenAI's flat product feed (acp.md §13.2), one item per variant: <c>enable_search</c> and
    /// <c>enable_checkout</c> from the product's metadata; checkout also needs the seller's privacy policy and terms.</summary>
    public static void WriteOpenAiItem(Stream output, CatalogProduct p, CatalogVariantCard v, MerchantOptions merchant, FeedOptions feed)
    {
        using var w = new Utf8JsonWriter(output, Compact);
        var search = CatalogFlags.Searchable(p.Metadata);
        var checkout = CatalogFlags.Purchasable(p.Metadata) && merchant.PrivacyPolicyUrl is not null && merchant.TermsOfUseUrl is not null;
        var (available, _) = Availability(p, v, feed);
        w.WriteStartObject();
        w.WriteBoolean("enable_search", search);
        w.WriteBoolean("enable_checkout", checkout);
        w.WriteString("id", v.Sku);
        w.WriteString("title", Title(p.Name, v.Name));
        var description = EditorJs.ToPlainText(p.Description);
        w.WriteString("description", description.Length > 5000 ? description[..5000] : description);
        w.WriteString("link", ProductUrl(merchant, p.Slug, v.Sku));
        w.WriteString("mpn", v.Sku);   // no GTIN in Saleor's catalog: the SKU is the manufacturer part number
        w.WriteString("condition", "new");
        if (p.Category is { } c) w.WriteString("product_category", c.Name);
        w.WriteString("brand", merchant.Name);
        if (p.Thumbnail?.Url is { } image) w.WriteString("image_link", image);
        if (Price(v) is { } price) w.WriteString("price", $"{price.ToMajor().ToString("F" + Money.Exponent(price.Currency).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)} {price.Currency.ToUpperInvariant()}");
        w.WriteString("availability", available ? "in_stock" : "out_of_stock");
        if (v.TrackInventory && v.QuantityAvailable is { } q) w.WriteNumber("inventory_quantity", Math.Max(q, 0));
        w.WriteString("item_group_id", p.Slug);
        w.WriteString("item_group_title", p.Name);
        w.WriteString("seller_name", merchant.Name);
        if (merchant.WebsiteUrl is { } site) w.WriteString("seller_url", site.ToString());
        if (merchant.PrivacyPolicyUrl is { } privacy) w.WriteString("seller_privacy_policy", privacy.ToString());
        if (merchant.TermsOfUseUrl is { } tos) w.WriteString("seller_tos", tos.ToString());
        if (merchant.ReturnPolicyUrl is { } returns) w.WriteString("return_policy", returns.ToString());
        w.WriteNumber("return_window", merchant.ReturnWindowDays);
        w.WriteEndObject();
        w.Flush();
        output.WriteByte((byte)'\n');
    }

    public static Money? Price(CatalogVariantCard v) => v.Pricing?.Price?.Gross is { } g ? g.ToMoney() : null;

    /// <summary>Saleor's answers only: purchasable in the channel, and <c>quantityAvailable</c> (stock for tracked
    /// variants; the per-checkout limit for untracked ones, which are always in stock).</summary>
    public static (bool Available, string Status) Availability(CatalogProduct p, CatalogVariantCard v, FeedOptions feed)
    {
        if (p.IsAvailableForPurchase == false || Price(v) is null) return (false, "discontinued");
        if (!v.TrackInventory) return (true, "in_stock");
        var q = v.QuantityAvailable ?? 0;
        return q <= 0 ? (false, "out_of_stock") : q <= feed.LimitedStockAt ? (true, "limited_stock") : (true, "in_stock");
    }

    public static string Title(string product, string variant) =>
        string.IsNullOrWhiteSpace(variant) || product.Contains(variant, StringComparison.OrdinalIgnoreCase) ? product : $"{product} ({variant})";

    public static string ProductUrl(MerchantOptions m, string slug, string? sku) =>
        m.ProductUrlTemplate.Replace("{slug}", Uri.EscapeDataString(slug), StringComparison.Ordinal)
            .Replace("{sku}", Uri.EscapeDataString(sku ?? ""), StringComparison.Ordinal);

    static IEnumerable<(string Type, string Url)> SellerLinks(MerchantOptions m)
    {
        if (m.PrivacyPolicyUrl is { } p) yield return ("privacy_policy", p.ToString());
        if (m.TermsOfUseUrl is { } t) yield return ("terms_of_service", t.ToString());
        if (m.ReturnPolicyUrl is { } r) yield return ("refund_policy", r.ToString());
    }
}
