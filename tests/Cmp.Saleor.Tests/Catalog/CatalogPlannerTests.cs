using Cmp.Primitives;
using Cmp.Saleor.Catalog;

namespace Cmp.Saleor.Tests.Catalog;

/// <summary>The pure planning rules of catalog sync: what changes, what is left alone, what is refused.</summary>
public sealed class CatalogPlannerTests
{
    static readonly CatalogContext Ctx = new("default-channel", "USD", "cmp-warehouse", 1_000_000, 100);

    static ProductSpec Spec(Action<ProductSpecBuilder>? change = null)
    {
        var b = new ProductSpecBuilder();
        change?.Invoke(b);
        return b.Build();
    }

    /// <summary>What Saleor holds after a successful sync of <paramref name="spec"/>.</summary>
    static ProductState Synced(ProductSpec spec, Action<SyncedBuilder>? drift = null)
    {
        var s = new SyncedBuilder(spec);
        drift?.Invoke(s);
        return s.Build();
    }

    [Fact]
    public void Nothing_exists_so_everything_is_created()
    {
        var plan = CatalogPlanner.PlanEnsure(Spec(), null, null, Ctx).Value;

        plan.CreateProduct.Should().BeTrue();
        plan.CreateVariant.Should().BeTrue();
        plan.ListingToSet.Should().Be(ListingState.Listed);
        plan.PriceToSet.Should().Be(new Money(1999, "USD"));
        plan.StockToSet.Should().Be(1_000_000, "digital variants get the large untracked stock row");
        plan.MetadataToSet.Should().Contain(CatalogMetadata.Kind, "agent").And.Contain(CatalogMetadata.Sku, "CSA-BASIC").And.Contain(CatalogMetadata.FlowTemplate, "support");
        plan.Changes.Should().Contain(c => c.StartsWith("create product 'csa-basic'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_synced_product_needs_nothing()
    {
        var spec = Spec();

        var plan = CatalogPlanner.PlanEnsure(spec, Synced(spec), Synced(spec), Ctx).Value;

        plan.HasChanges.Should().BeFalse(string.Join("; ", plan.Changes));
        plan.Warnings.Should().BeEmpty();
    }

    [Fact]
    public void Drifted_fields_are_planned_one_by_one()
    {
        var spec = Spec();
        var drifted = Synced(spec, s =>
        {
            s.Name = "Old name";
            s.Description = "old text";
            s.Category = "elsewhere";
            s.Price = new Money(999, "USD");
            s.Listing = new ListingState(false, true, true);
        });

        var plan = CatalogPlanner.PlanEnsure(spec, drifted, null, Ctx).Value;

        plan.CreateProduct.Should().BeFalse();
        plan.ProductChanges.Should().Be(new ProductFieldChanges(spec.Name, null, EditorJs.Normalize(spec.Description), true));
        plan.PriceToSet.Should().Be(spec.Price);
        plan.ListingToSet.Should().Be(ListingState.Listed);
        plan.VariantChanges.Should().BeNull("the variant did not drift");
        plan.Changes.Should().Contain("price 9.99 USD → 19.99 USD").And.Contain("name 'Old name' → 'CSA Basic'").And.Contain("category elsewhere → ai-agents");
    }

    [Fact]
    public void Metadata_upserts_changed_keys_and_removes_only_cmp_owned_keys()
    {
        var spec = Spec();
        var drifted = Synced(spec, s => s.Metadata = new Dictionary<string, string>
        {
            [CatalogMetadata.Kind] = "agent",
            [CatalogMetadata.Sku] = "CSA-BASIC",
            [CatalogMetadata.FlowTemplate] = "old-flow",
            ["cmp.retired"] = "x",
            ["acp.legacy"] = "y",
            ["someone.else"] = "keep me",
        });

        var plan = CatalogPlanner.PlanEnsure(spec, drifted, null, Ctx).Value;

        plan.MetadataToSet.Should().Equal(new Dictionary<string, string> { [CatalogMetadata.FlowTemplate] = "support" });
        plan.MetadataToDelete.Should().Equal("acp.legacy", "cmp.retired");
        plan.Changes.Should().Contain("metadata cmp.flow_template 'old-flow' → 'support'").And.Contain("remove metadata cmp.retired");
    }

    [Fact]
    public void Physical_stock_is_written_once_and_never_overwritten()
    {
        var mug = Spec(b => { b.Kind = ProductKind.Physical; b.Shippable = true; b.Weight = Weight.FromKilograms(0.35m); b.InitialStock = 25; });

        var fresh = CatalogPlanner.PlanEnsure(mug, null, null, Ctx).Value;
        var sold = CatalogPlanner.PlanEnsure(mug, Synced(mug, s => s.Stock = 3), null, Ctx).Value;
        var noRow = CatalogPlanner.PlanEnsure(mug, Synced(mug, s => s.Stock = null), null, Ctx).Value;

        fresh.StockToSet.Should().Be(25);
        sold.StockToSet.Should().BeNull("3 left after sales is operational data, not drift");
        sold.HasChanges.Should().BeFalse(string.Join("; ", sold.Changes));
        noRow.StockToSet.Should().Be(25);
    }

    [Fact]
    public void Digital_stock_is_restored_when_it_was_zeroed()
    {
        var spec = Spec();

        CatalogPlanner.PlanEnsure(spec, Synced(spec, s => s.Stock = 0), null, Ctx).Value.StockToSet.Should().Be(1_000_000);
    }

    [Fact]
    public void Weight_and_tracking_follow_the_kind()
    {
        var mug = Spec(b => { b.Kind = ProductKind.Physical; b.Shippable = true; b.Weight = Weight.FromKilograms(0.5m); });
        var drifted = Synced(mug, s => { s.Weight = new Weight(300); s.Track = false; });

        var plan = CatalogPlanner.PlanEnsure(mug, drifted, null, Ctx).Value;

        plan.VariantChanges.Should().Be(new VariantFieldChanges(null, true, true, new Weight(500)));
        plan.Changes.Should().Contain("weight 0.3 kg → 0.5 kg").And.Contain("track inventory false → true");
    }

    [Fact]
    public void A_slug_held_by_another_sku_is_a_conflict()
    {
        var spec = Spec();
        var other = Synced(Spec(b => b.Sku = "OTHER-SKU"));

        var r = CatalogPlanner.PlanEnsure(spec, null, other, Ctx);

        r.Error!.Kind.Should().Be(ErrorKind.Conflict);
        r.Error.Code.Should().Be("product_slug_taken");
        r.Error.Message.Should().Contain("OTHER-SKU");
    }

    [Fact]
    public void Renaming_the_slug_onto_another_product_is_a_conflict_but_onto_a_free_slug_is_an_update()
    {
        var spec = Spec(b => b.Slug = "csa-basic-v2");
        var mine = Synced(Spec());

        CatalogPlanner.PlanEnsure(spec, mine, Synced(Spec(b => b.Sku = "X")), Ctx).Error!.Code.Should().Be("product_slug_taken");
        var plan = CatalogPlanner.PlanEnsure(spec, mine, null, Ctx).Value;
        plan.ProductChanges!.Slug.Should().Be("csa-basic-v2");
    }

    [Fact]
    public void A_product_left_without_its_variant_is_adopted()
    {
        var spec = Spec();
        var orphan = Synced(spec, s => s.WithoutVariant = true);

        var plan = CatalogPlanner.PlanEnsure(spec, null, orphan, Ctx).Value;

        plan.CreateProduct.Should().BeFalse();
        plan.Existing!.Id.Should().Be(orphan.Id);
        plan.CreateVariant.Should().BeTrue();
    }

    [Fact]
    public void A_product_of_the_wrong_type_is_reported_since_saleor_cannot_change_it()
    {
        var spec = Spec();

        var plan = CatalogPlanner.PlanEnsure(spec, Synced(spec, s => s.Type = "credit-pack"), null, Ctx).Value;

        plan.Warnings.Should().ContainSingle(w => w.Contains("cannot change a product's type", StringComparison.Ordinal));
    }

    [Fact]
    public void Unlisting_hides_a_listed_product_and_is_a_no_op_the_second_time()
    {
        var spec = Spec();

        var plan = CatalogPlanner.PlanUnlist(spec.Sku, Synced(spec), Ctx);
        var again = CatalogPlanner.PlanUnlist(spec.Sku, Synced(spec, s => s.Listing = ListingState.Unlisted), Ctx);

        plan.ListingToSet.Should().Be(ListingState.Unlisted);
        plan.PriceToSet.Should().BeNull("the variant keeps its price so existing checkouts and refunds still resolve");
        again.HasChanges.Should().BeFalse();
    }

    [Fact]
    public void Ensure_after_unlist_lists_again()
    {
        var spec = Spec();

        CatalogPlanner.PlanEnsure(spec, Synced(spec, s => s.Listing = ListingState.Unlisted), null, Ctx).Value.ListingToSet.Should().Be(ListingState.Listed);
    }

    [Theory]
    [InlineData("sku", "", "sku is required")]
    [InlineData("sku", "HAS SPACE", "printable ASCII")]
    [InlineData("slug", "Not A Slug", "lowercase letters")]
    [InlineData("slug", "double--dash", "lowercase letters")]
    [InlineData("name", " ", "name is required")]
    [InlineData("currency", "EUR", "the channel sells in USD")]
    [InlineData("shippable", "true", "cannot be shippable")]
    [InlineData("weight", "1", "only physical products have a weight")]
    [InlineData("metadata", "cmp.kind", "set by catalog sync")]
    public void Invalid_specs_are_refused_with_every_problem_named(string field, string value, string problem)
    {
        var spec = Spec(b =>
        {
            switch (field)
            {
                case "sku": b.Sku = value; break;
                case "slug": b.Slug = value; break;
                case "name": b.Name = value; break;
                case "currency": b.Price = new Money(1999, value); break;
                case "shippable": b.Shippable = true; break;
                case "weight": b.Weight = Weight.FromKilograms(1); break;
                case "metadata": b.Metadata[value] = "x"; break;
            }
        });

        var r = CatalogPlanner.PlanEnsure(spec, null, null, Ctx);

        r.Error!.Kind.Should().Be(ErrorKind.Validation);
        r.Error.Code.Should().Be("invalid_product_spec");
        r.Error.Message.Should().Contain(problem);
    }

    [Fact]
    public void A_physical_product_must_be_shippable()
    {
        CatalogPlanner.Validate(Spec(b => b.Kind = ProductKind.Physical)).Should().Contain(p => p.Contains("must be shippable", StringComparison.Ordinal));
    }

    sealed class ProductSpecBuilder
    {
        public string Sku { get; set; } = "CSA-BASIC";
        public string Name { get; set; } = "CSA Basic";
        public string Slug { get; set; } = "csa-basic";
        public ProductKind Kind { get; set; } = ProductKind.Agent;
        public Money Price { get; set; } = new(1999, "USD");
        public bool Shippable { get; set; }
        public Weight? Weight { get; set; }
        public int? InitialStock { get; set; }
        public Dictionary<string, string> Metadata { get; } = new() { [CatalogMetadata.FlowTemplate] = "support" };

        public ProductSpec Build() => new()
        {
            Sku = Sku, Name = Name, Slug = Slug, Kind = Kind, Price = Price, Shippable = Shippable, Weight = Weight, InitialStock = InitialStock,
            Description = "Answers customer questions.\n\nAround the clock.", Metadata = Metadata,
        };
    }

    sealed class SyncedBuilder(ProductSpec spec)
    {
        public string Name { get; set; } = spec.Name;
        public string Description { get; set; } = EditorJs.Normalize(spec.Description);
        public string Type { get; set; } = CatalogTaxonomy.ProductType(spec.Kind).Slug;
        public string Category { get; set; } = CatalogTaxonomy.Category(spec.Kind).Slug;
        public Money Price { get; set; } = spec.Price;
        public ListingState Listing { get; set; } = ListingState.Listed;
        public Dictionary<string, string> Metadata { get; set; } = new(CatalogPlanner.DesiredMetadata(spec));
        public int? Stock { get; set; } = spec.Kind == ProductKind.Physical ? spec.InitialStock ?? 100 : 1_000_000;
        public Weight? Weight { get; set; } = spec.Weight;
        public bool Track { get; set; } = spec.Kind == ProductKind.Physical;
        public bool WithoutVariant { get; set; }

        public ProductState Build() => new(
            $"P-{spec.Sku}", Name, spec.Slug, Description, Type, Category, Metadata, Listing,
            WithoutVariant
                ? []
                : [new VariantState($"V-{spec.Sku}", spec.Sku, spec.Name, Track, Weight, Price,
                    Stock is { } s ? new Dictionary<string, int> { ["cmp-warehouse"] = s } : new Dictionary<string, int>())]);
    }
}
