using System.Text.Json;
using System.Text.Json.Serialization;
using Cmp.Primitives;
using Cmp.Saleor.Catalog;

namespace Cmp.Provisioner.Features.InstallSaleorApp;

/// <summary>A catalog to install: products and shipping zones.</summary>
public sealed record CatalogDocument(string Source, IReadOnlyList<ProductSpec> Products, IReadOnlyList<ShippingZoneSpec> ShippingZones);

/// <summary>
/// Reads a catalog data file (the embedded demo catalog, or any file in the same format given with
/// <c>--catalog-file</c>) into transport-neutral specs, naming every problem with its place in the file.
/// </summary>
public static class CatalogFile
{
    const string DemoResource = "Cmp.Provisioner.demo-catalog.json";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static Result<CatalogDocument> LoadDemo()
    {
        using var stream = typeof(CatalogFile).Assembly.GetManifestResourceStream(DemoResource)
                           ?? throw new InvalidOperationException($"{DemoResource} is not embedded in the provisioner.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "demo-catalog.json");
    }

    public static Result<CatalogDocument> Load(string path)
    {
        if (!File.Exists(path)) return Error.Validation("catalog_file_missing", $"Catalog file '{path}' does not exist.");
        return Parse(File.ReadAllText(path), path);
    }

    public static Result<CatalogDocument> Parse(string json, string source)
    {
        FileDto? file;
        try
        {
            file = JsonSerializer.Deserialize<FileDto>(json, Json);
        }
        catch (JsonException e)
        {
            return Invalid(source, [$"not valid JSON ({e.Message})"]);
        }
        if (file is null) return Invalid(source, ["the file is empty"]);

        var problems = new List<string>();
        var currency = file.Currency ?? "USD";
        if (!Money.IsCurrencyCode(currency)) problems.Add($"currency '{currency}' is not an ISO 4217 code");
        var products = new List<ProductSpec>();
        foreach (var (p, i) in (file.Products ?? []).Select((p, i) => (p, i)))
        {
            var at = $"products[{i}]{(p.Sku is null ? "" : $" ({p.Sku})")}";
            var kind = CatalogTaxonomy.ParseKind(p.Kind);
            if (kind is null) { problems.Add($"{at}: kind must be agent, credits or physical, got '{p.Kind}'"); continue; }
            if (p.Price is null) { problems.Add($"{at}: price is required"); continue; }
            var price = Money.FromMajor(p.Price.Value, currency);
            if (!price.IsSuccess) { problems.Add($"{at}: {price.Error.Message}"); continue; }
            var spec = new ProductSpec
            {
                Sku = p.Sku ?? "",
                Name = p.Name ?? "",
                Slug = p.Slug ?? "",
                Kind = kind.Value,
                Description = p.Description ?? "",
                Price = price.Value,
                Metadata = p.Metadata ?? [],
                Shippable = kind == ProductKind.Physical,
                Weight = p.WeightKg is { } kg ? Weight.FromKilograms(kg) : null,
                InitialStock = p.InitialStock,
            };
            problems.AddRange(CatalogPlanner.Validate(spec).Select(x => $"{at}: {x}"));
            products.Add(spec);
        }
        foreach (var dup in products.GroupBy(p => p.Sku).Where(g => g.Count() > 1)) problems.Add($"SKU {dup.Key} appears {dup.Count()} times");
        foreach (var dup in products.GroupBy(p => p.Slug).Where(g => g.Count() > 1)) problems.Add($"slug {dup.Key} appears {dup.Count()} times");

        var zones = new List<ShippingZoneSpec>();
        foreach (var (z, i) in (file.ShippingZones ?? []).Select((z, i) => (z, i)))
        {
            var at = $"shippingZones[{i}]{(z.Name is null ? "" : $" ({z.Name})")}";
            var methods = new List<ShippingMethodSpec>();
            foreach (var m in z.Methods ?? [])
            {
                var price = m.Price is { } amount ? Money.FromMajor(amount, currency) : Error.Validation("price", "price is required");
                if (!price.IsSuccess) { problems.Add($"{at}: method '{m.Name}': {price.Error.Message}"); continue; }
                methods.Add(new ShippingMethodSpec(m.Name ?? "", price.Value, m.MinimumDeliveryDays, m.MaximumDeliveryDays));
            }
            var zone = new ShippingZoneSpec(z.Name ?? "", z.Countries ?? [], methods);
            problems.AddRange(ShippingPlanner.Validate(zone).Select(x => $"{at}: {x}"));
            zones.Add(zone);
        }
        if (products.Any(p => p.Kind == ProductKind.Physical) && zones.Count == 0)
            problems.Add("physical products need at least one shipping zone, or no buyer can check them out");

        return problems.Count > 0 ? Invalid(source, problems) : new CatalogDocument(source, products, zones);
    }

    static Error Invalid(string source, IEnumerable<string> problems) =>
        Error.Validation("catalog_file_invalid", $"Catalog file '{source}' is invalid:{Environment.NewLine}  - {string.Join($"{Environment.NewLine}  - ", problems)}");

    sealed record FileDto(string? Currency, List<ProductDto>? Products, List<ZoneDto>? ShippingZones);

    sealed record ProductDto(string? Sku, string? Name, string? Slug, string? Kind, string? Description, decimal? Price,
        Dictionary<string, string>? Metadata, decimal? WeightKg, int? InitialStock);

    sealed record ZoneDto(string? Name, List<string>? Countries, List<MethodDto>? Methods);

    sealed record MethodDto(string? Name, decimal? Price, int? MinimumDeliveryDays, int? MaximumDeliveryDays);
}
