using System.Text.Json;
using Cmp.Primitives;
using Cmp.Saleor.Client;

namespace Cmp.Saleor.Catalog;

// The shared objects products hang off: the channel (must exist), the warehouse, product types, categories and
// shipping zones.
public sealed partial class SaleorCatalog
{
    /// <summary>Change sets of the shared objects, and the ids of those that exist (missing ones in a dry run).</summary>
    sealed record Foundation(
        IReadOnlyList<CatalogChangeSet> Sets,
        string? WarehouseId,
        IReadOnlyDictionary<ProductKind, string> TypeIds,
        IReadOnlyDictionary<ProductKind, string> CategoryIds);

    public async Task<Result<IReadOnlyList<CatalogChangeSet>>> EnsureFoundationAsync(IEnumerable<ProductKind> kinds, bool dryRun = false, CancellationToken ct = default)
    {
        var channel = await ChannelAsync(ct);
        if (!channel.TryGetValue(out var ch, out var error)) return error;
        var f = await EnsureFoundationAsync(ch, kinds.Distinct().ToArray(), dryRun, ct);
        return f.IsSuccess ? Result<IReadOnlyList<CatalogChangeSet>>.Success(f.Value.Sets) : f.Error;
    }

    public async Task<Result<CatalogChangeSet>> EnsureShippingZoneAsync(ShippingZoneSpec zone, bool dryRun = false, CancellationToken ct = default)
    {
        var problems = ShippingPlanner.Validate(zone);
        if (problems.Count > 0)
            return Error.Validation("invalid_shipping_zone_spec", $"Shipping zone '{zone.Name}' is invalid: {string.Join("; ", problems)}.");
        var channel = await ChannelAsync(ct);
        if (!channel.TryGetValue(out var ch, out var channelError)) return channelError;
        var warehouse = await EnsureWarehouseAsync(ch, dryRun, ct);
        if (!warehouse.TryGetValue(out var wh, out var whError)) return whError;

        var zones = await client.ExecuteAsync<ShippingZonesData>("ShippingZones", new { }, ct);
        if (!zones.IsSuccess) return zones.Error;
        var existing = zones.Value.ShippingZones.Nodes.FirstOrDefault(z => z.Name == zone.Name);
        var planned = ShippingPlanner.Plan(zone, existing is null ? null : SaleorCatalogReader.ToState(existing, ch.Slug), Context(ch));
        if (!planned.TryGetValue(out var plan, out var planError)) return planError;

        var changes = wh.Set.Changes.Select(c => $"warehouse {wh.Set.Key}: {c}").Concat(plan.Changes).ToList();
        var result = CatalogChangeSet.From("shipping zone", zone.Name, plan.CreateZone, changes, wh.Set.Warnings.Concat(plan.Warnings).ToList(), dryRun);
        if (dryRun || plan.Changes.Count == 0) return result;

        string zoneId;
        if (plan.CreateZone)
        {
            var created = await client.ExecuteAsync<ZoneCreateData>("ShippingZoneCreate", new
            {
                input = new { name = zone.Name, countries = zone.Countries, addWarehouses = new[] { wh.Id! }, addChannels = new[] { ch.Id } },
            }, ct);
            if (!created.IsSuccess) return Step(zone.Name, "creating the shipping zone", created.Error);
            zoneId = created.Value.ShippingZoneCreate.ShippingZone!.Id;
        }
        else
        {
            zoneId = existing!.Id;
            if (plan.AssignToChannel)
            {
                var assigned = await client.ExecuteAsync<JsonElement>("ChannelUpdate", new { id = ch.Id, input = new { addShippingZones = new[] { zoneId } } }, ct);
                if (!assigned.IsSuccess) return Step(zone.Name, "assigning the zone to the channel", assigned.Error);
            }
        }

        var prices = plan.PricesToSet.ToList();
        foreach (var m in plan.MethodsToCreate)
        {
            var created = await client.ExecuteAsync<MethodCreateData>("ShippingPriceCreate", new
            {
                input = new { name = m.Name, type = "PRICE", shippingZone = zoneId, minimumDeliveryDays = m.MinimumDeliveryDays, maximumDeliveryDays = m.MaximumDeliveryDays },
            }, ct);
            if (!created.IsSuccess) return Step(zone.Name, $"creating method '{m.Name}'", created.Error);
            prices.Add((created.Value.ShippingPriceCreate.ShippingMethod!.Id, m));
        }
        foreach (var (methodId, m) in prices)
        {
            var priced = await client.ExecuteAsync<JsonElement>("ShippingMethodChannelListingUpdate", new
            {
                id = methodId,
                input = new { addChannels = new[] { new { channelId = ch.Id, price = m.Price.ToMajor() } } },
            }, ct);
            if (!priced.IsSuccess) return Step(zone.Name, $"pricing method '{m.Name}'", priced.Error);
        }
        return result;
    }

    async Task<Result<SaleorChannel>> ChannelAsync(CancellationToken ct)
    {
        var r = await client.ExecuteAsync<ChannelsData>("Channels", ct: ct);
        if (!r.IsSuccess) return r.Error;
        return r.Value.Channels.FirstOrDefault(c => c.Slug == options.Channel) is { } channel
            ? channel
            : Error.NotFound("channel_not_found",
                $"Saleor has no channel '{options.Channel}' (it has: {string.Join(", ", r.Value.Channels.Select(c => c.Slug))}). Create it in Saleor or set Saleor:Catalog:Channel.");
    }

    async Task<Result<Foundation>> EnsureFoundationAsync(SaleorChannel channel, IReadOnlyList<ProductKind> kinds, bool dryRun, CancellationToken ct)
    {
        var sets = new List<CatalogChangeSet>();
        var warehouse = await EnsureWarehouseAsync(channel, dryRun, ct);
        if (!warehouse.TryGetValue(out var wh, out var whError)) return whError;
        sets.Add(wh.Set);

        var typeIds = new Dictionary<ProductKind, string>();
        var types = await client.ExecuteAsync<ProductTypesData>("ProductTypes",
            new { slugs = kinds.Select(k => CatalogTaxonomy.ProductType(k).Slug).Distinct().ToArray() }, ct);
        if (!types.IsSuccess) return types.Error;
        foreach (var kind in kinds)
        {
            var wanted = CatalogTaxonomy.ProductType(kind);
            var shipping = CatalogTaxonomy.RequiresShipping(kind);
            var existing = types.Value.ProductTypes.Nodes.FirstOrDefault(t => t.Slug == wanted.Slug);
            if (existing is not null)
            {
                typeIds[kind] = existing.Id;
                var warnings = existing.IsShippingRequired == shipping ? [] : new[]
                {
                    $"product type '{wanted.Slug}' has isShippingRequired={existing.IsShippingRequired.ToString().ToLowerInvariant()}, expected {shipping.ToString().ToLowerInvariant()}: fix it in Saleor's dashboard",
                };
                sets.Add(CatalogChangeSet.From("product type", wanted.Slug, false, [], warnings, dryRun));
                continue;
            }
            sets.Add(CatalogChangeSet.From("product type", wanted.Slug, true,
                [$"create '{wanted.Name}' ({(shipping ? "shipping required" : "digital, no shipping")})"], [], dryRun));
            if (dryRun) continue;
            var created = await client.ExecuteAsync<TypeCreateData>("ProductTypeCreate", new
            {
                input = new { name = wanted.Name, slug = wanted.Slug, kind = "NORMAL", isShippingRequired = shipping },
            }, ct);
            if (!created.IsSuccess) return Step(wanted.Slug, "creating the product type", created.Error);
            typeIds[kind] = created.Value.ProductTypeCreate.ProductType!.Id;
        }

        var categoryIds = new Dictionary<ProductKind, string>();
        foreach (var kind in kinds)
        {
            var wanted = CatalogTaxonomy.Category(kind);
            var found = await client.ExecuteAsync<CategoryData>("CategoryBySlug", new { slug = wanted.Slug }, ct);
            if (!found.IsSuccess) return found.Error;
            if (found.Value.Category is { } existing)
            {
                categoryIds[kind] = existing.Id;
                sets.Add(CatalogChangeSet.From("category", wanted.Slug, false, [], [], dryRun));
                continue;
            }
            sets.Add(CatalogChangeSet.From("category", wanted.Slug, true, [$"create '{wanted.Name}'"], [], dryRun));
            if (dryRun) continue;
            var created = await client.ExecuteAsync<CategoryCreateData>("CategoryCreate", new { input = new { name = wanted.Name, slug = wanted.Slug } }, ct);
            if (!created.IsSuccess) return Step(wanted.Slug, "creating the category", created.Error);
            categoryIds[kind] = created.Value.CategoryCreate.Category!.Id;
        }
        return new Foundation(sets, wh.Id, typeIds, categoryIds);
    }

    /// <summary>The warehouse, created if missing and assigned to the channel (stock in a warehouse outside the
    /// channel does not count for the channel's availability).</summary>
    async Task<Result<(CatalogChangeSet Set, string? Id)>> EnsureWarehouseAsync(SaleorChannel channel, bool dryRun, CancellationToken ct)
    {
        var slug = options.WarehouseSlug;
        var found = await client.ExecuteAsync<WarehousesData>("Warehouses", new { slugs = new[] { slug } }, ct);
        if (!found.IsSuccess) return found.Error;
        var warehouse = found.Value.Warehouses.Nodes.FirstOrDefault(w => w.Slug == slug);
        var inChannel = channel.Warehouses.Any(w => w.Slug == slug);
        var changes = new List<string>();
        if (warehouse is null) changes.Add($"create '{options.WarehouseName}' ({options.WarehouseAddress.City}, {options.WarehouseAddress.Country})");
        if (!inChannel) changes.Add($"assign to channel {channel.Slug}");
        var set = CatalogChangeSet.From("warehouse", slug, warehouse is null, changes, [], dryRun);
        if (dryRun || changes.Count == 0) return (set, warehouse?.Id);

        var id = warehouse?.Id;
        if (id is null)
        {
            var a = options.WarehouseAddress;
            var created = await client.ExecuteAsync<WarehouseCreateData>("WarehouseCreate", new
            {
                input = new
                {
                    name = options.WarehouseName,
                    slug,
                    address = new { companyName = a.CompanyName, streetAddress1 = a.StreetAddress1, city = a.City, postalCode = a.PostalCode, country = a.Country, countryArea = a.CountryArea },
                },
            }, ct);
            if (!created.IsSuccess) return Step(slug, "creating the warehouse", created.Error);
            id = created.Value.CreateWarehouse.Warehouse!.Id;
        }
        if (!inChannel)
        {
            var assigned = await client.ExecuteAsync<JsonElement>("ChannelUpdate", new { id = channel.Id, input = new { addWarehouses = new[] { id } } }, ct);
            if (!assigned.IsSuccess) return Step(slug, "assigning the warehouse to the channel", assigned.Error);
        }
        return (set, id);
    }

    sealed record ChannelsData(IReadOnlyList<SaleorChannel> Channels);
    sealed record WarehousesData(Connection<NamedNode> Warehouses);
    sealed record WarehouseCreateData(WarehousePayload CreateWarehouse);
    sealed record WarehousePayload(NamedNode? Warehouse);
    sealed record ProductTypeNode(string Id, string Name, string Slug, bool IsShippingRequired);
    sealed record ProductTypesData(Connection<ProductTypeNode> ProductTypes);
    sealed record TypeCreateData(TypePayload ProductTypeCreate);
    sealed record TypePayload(ProductTypeNode? ProductType);
    sealed record CategoryData(NamedNode? Category);
    sealed record CategoryCreateData(CategoryPayload CategoryCreate);
    sealed record CategoryPayload(NamedNode? Category);
    sealed record ShippingZonesData(Connection<ShippingZoneNode> ShippingZones);
    sealed record ZoneCreateData(ZonePayload ShippingZoneCreate);
    sealed record ZonePayload(IdOnly? ShippingZone);
    sealed record MethodCreateData(MethodPayload ShippingPriceCreate);
    sealed record MethodPayload(IdOnly? ShippingMethod);
    sealed record IdOnly(string Id);
}
