using Cmp.Primitives;

namespace Cmp.Saleor.Catalog;

/// <summary>A shipping zone as it exists: its countries, warehouses and channels (slugs), and its methods.</summary>
public sealed record ShippingZoneState(string Id, string Name, IReadOnlyList<string> Countries, IReadOnlyList<string> WarehouseSlugs,
    IReadOnlyList<string> ChannelSlugs, IReadOnlyList<ShippingMethodState> Methods);

/// <summary>A shipping method and its price in the catalog channel (null = not listed there).</summary>
public sealed record ShippingMethodState(string Id, string Name, Money? Price);

/// <summary>What to do for one shipping zone.</summary>
public sealed record ShippingZonePlan(
    bool CreateZone,
    bool AssignToChannel,
    IReadOnlyList<ShippingMethodSpec> MethodsToCreate,
    IReadOnlyList<(string MethodId, ShippingMethodSpec Method)> PricesToSet,
    IReadOnlyList<string> Changes,
    IReadOnlyList<string> Warnings);

/// <summary>Pure planning of a shipping zone (see <see cref="CatalogPlanner"/>).</summary>
public static class ShippingPlanner
{
    public static IReadOnlyList<string> Validate(ShippingZoneSpec spec, string? channelCurrency = null)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(spec.Name)) problems.Add("zone name is required");
        if (spec.Countries.Count == 0) problems.Add("a zone needs at least one country");
        foreach (var c in spec.Countries.Where(c => c.Length != 2 || !c.All(char.IsAsciiLetterUpper)))
            problems.Add($"country '{c}' is not an ISO 3166-1 alpha-2 code");
        if (spec.Methods.Count == 0) problems.Add("a zone needs at least one shipping method");
        foreach (var dup in spec.Methods.GroupBy(m => m.Name).Where(g => g.Count() > 1)) problems.Add($"method '{dup.Key}' is listed twice");
        foreach (var m in spec.Methods)
        {
            if (string.IsNullOrWhiteSpace(m.Name)) problems.Add("method names are required");
            if (m.Price.Minor < 0) problems.Add($"method '{m.Name}' has a negative price");
            if (channelCurrency is not null && m.Price.Currency != channelCurrency)
                problems.Add($"method '{m.Name}' is priced in {m.Price.Currency} but the channel sells in {channelCurrency}");
            if (m.MinimumDeliveryDays is < 0 || m.MaximumDeliveryDays is < 0 || m.MinimumDeliveryDays > m.MaximumDeliveryDays)
                problems.Add($"method '{m.Name}' has invalid delivery days");
        }
        return problems;
    }

    public static Result<ShippingZonePlan> Plan(ShippingZoneSpec spec, ShippingZoneState? existing, CatalogContext ctx)
    {
        var problems = Validate(spec, ctx.Currency);
        if (problems.Count > 0)
            return Error.Validation("invalid_shipping_zone_spec", $"Shipping zone '{spec.Name}' is invalid: {string.Join("; ", problems)}.");

        var changes = new List<string>();
        var warnings = new List<string>();
        if (existing is null)
        {
            changes.Add($"create zone '{spec.Name}' ({string.Join(", ", spec.Countries)}) with warehouse {ctx.WarehouseSlug} in {ctx.Channel}");
            foreach (var m in spec.Methods) changes.Add($"create method '{m.Name}' at {m.Price}");
            return new ShippingZonePlan(true, false, spec.Methods, [], changes, warnings);
        }

        var assign = !existing.ChannelSlugs.Contains(ctx.Channel);
        if (assign) changes.Add($"assign zone to {ctx.Channel}");
        if (!existing.WarehouseSlugs.Contains(ctx.WarehouseSlug))
            warnings.Add($"zone '{spec.Name}' does not ship from warehouse {ctx.WarehouseSlug}: add it to the zone in Saleor's dashboard");
        if (!existing.Countries.Order().SequenceEqual(spec.Countries.Order()))
            warnings.Add($"zone '{spec.Name}' covers {string.Join(", ", existing.Countries)}, the spec says {string.Join(", ", spec.Countries)}: update it in Saleor's dashboard");

        var create = new List<ShippingMethodSpec>();
        var prices = new List<(string, ShippingMethodSpec)>();
        foreach (var m in spec.Methods)
        {
            var current = existing.Methods.FirstOrDefault(x => x.Name == m.Name);
            if (current is null)
            {
                create.Add(m);
                changes.Add($"create method '{m.Name}' at {m.Price}");
            }
            else if (current.Price != m.Price)
            {
                prices.Add((current.Id, m));
                changes.Add(current.Price is { } old ? $"method '{m.Name}' price {old} → {m.Price}" : $"method '{m.Name}' priced {m.Price} in {ctx.Channel}");
            }
        }
        return new ShippingZonePlan(false, assign, create, prices, changes, warnings);
    }
}
