using Cmp.Primitives;
using Cmp.Provisioner.Features.InstallSaleorApp;
using Cmp.Saleor.Catalog;
using Cmp.Saleor.Client;
using Cmp.Saleor.Webhooks;

namespace Cmp.Provisioner.Tests.Features.InstallSaleorApp;

/// <summary>The installer's pure decisions: app permissions, webhook diff, catalog files, the report.</summary>
public sealed class InstallPlanningTests
{
    static readonly Uri Target = new("https://provisioner.example.net");

    static IReadOnlyList<DesiredWebhook> Desired() => WebhookPlanner.Desired(Target, op => $"subscription {op} {{ event {{ __typename }} }}");

    static SaleorWebhook Existing(DesiredWebhook d, string? target = null, bool active = true, string? evt = null, string? query = null) =>
        new($"id-{d.Name}", d.Name, target ?? d.TargetUrl, active, [new WebhookEvent(evt ?? d.AsyncEvent)], query ?? d.Query);

    [Fact]
    public void The_app_is_created_with_least_privilege()
    {
        var plan = AppPlanner.Plan(null, ProvisionerApp.Permissions);

        plan.Create.Should().BeTrue();
        plan.Changes.Should().Equal("create with permissions MANAGE_ORDERS");
    }

    [Fact]
    public void Permissions_converge_exactly_and_an_inactive_app_is_a_warning()
    {
        var app = new SaleorApp("A", "old-name", "cmp-provisioner", false, [new PermissionCode("MANAGE_PRODUCTS")]);

        var plan = AppPlanner.Plan(app, ProvisionerApp.Permissions);

        plan.UpdatePermissions.Should().BeTrue();
        plan.Rename.Should().BeTrue();
        plan.Changes.Should().Equal("grant MANAGE_ORDERS", "revoke MANAGE_PRODUCTS (not needed)", "rename 'old-name' → 'cmp-provisioner'");
        plan.Warnings.Should().ContainSingle(w => w.Contains("deactivated", StringComparison.Ordinal));
        AppPlanner.Plan(app with { Name = "cmp-provisioner", IsActive = true, Permissions = [new PermissionCode("MANAGE_ORDERS")] }, ProvisionerApp.Permissions)
            .HasChanges.Should().BeFalse();
    }

    [Fact]
    public void Webhooks_point_at_one_path_per_saleor_event()
    {
        Desired().Select(d => d.TargetUrl).Should().Equal(
            "https://provisioner.example.net/webhooks/saleor/order_fully_paid",
            "https://provisioner.example.net/webhooks/saleor/order_refunded",
            "https://provisioner.example.net/webhooks/saleor/order_fully_refunded",
            "https://provisioner.example.net/webhooks/saleor/order_cancelled");
        WebhookPlanner.Desired(new Uri("https://x.example/base/"), _ => "").First().TargetUrl.Should().Be("https://x.example/base/webhooks/saleor/order_fully_paid");
    }

    [Fact]
    public void Missing_webhooks_are_created_and_matching_ones_left_alone()
    {
        var desired = Desired();

        WebhookPlanner.Plan(desired, []).Should().OnlyContain(c => c.Action == WebhookAction.Create).And.HaveCount(4);
        WebhookPlanner.Plan(desired, desired.Select(d => Existing(d)).ToArray()).Should().OnlyContain(c => c.Action == WebhookAction.Unchanged);
    }

    [Fact]
    public void Drifted_target_state_events_and_query_are_updated()
    {
        var desired = Desired();
        var d = desired[0];
        var existing = new[] { Existing(d, target: "http://old/", active: false, evt: "ORDER_CREATED", query: "subscription X { event { __typename } }") };

        var change = WebhookPlanner.Plan(desired, existing).Single(c => c.Name == d.Name);

        change.Action.Should().Be(WebhookAction.Update);
        change.Id.Should().Be($"id-{d.Name}");
        change.Changes.Should().Equal($"target http://old/ → {d.TargetUrl}", "activate", "events ORDER_CREATED → ORDER_FULLY_PAID", "subscription query updated");
    }

    [Fact]
    public void Whitespace_in_the_stored_query_is_not_drift()
    {
        var d = Desired()[0];

        WebhookPlanner.Plan([d], [Existing(d, query: "  " + d.Query.Replace(" ", "\n  ", StringComparison.Ordinal) + "\n")]).Single().Action.Should().Be(WebhookAction.Unchanged);
    }

    [Fact]
    public void Retired_cmp_webhooks_are_deleted_and_foreign_ones_left_alone()
    {
        var extra = new SaleorWebhook("x1", "cmp-order-created", "http://a/", true, [], null);
        var foreign = new SaleorWebhook("x2", "audit", "http://b/", true, [], null);

        var plan = WebhookPlanner.Plan(Desired(), [extra, foreign]);

        plan.Single(c => c.Name == "cmp-order-created").Action.Should().Be(WebhookAction.Delete);
        plan.Single(c => c.Name == "audit").Action.Should().Be(WebhookAction.Foreign);
    }

    [Fact]
    public void The_demo_catalog_holds_the_offerings_with_their_metadata()
    {
        var demo = CatalogFile.LoadDemo().Value;

        demo.Products.Select(p => (p.Sku, p.Price)).Should().Equal(
            ("CSA-BASIC", new Money(1999, "USD")), ("CSA-PRO", new Money(4999, "USD")), ("KBA-BASIC", new Money(2999, "USD")), ("KBA-PRO", new Money(7999, "USD")),
            ("CREDITS-100", new Money(1000, "USD")), ("CREDITS-500", new Money(4000, "USD")), ("CMP-MUG", new Money(1250, "USD")), ("CMP-HOODIE", new Money(4500, "USD")));
        demo.Products.Where(p => p.Kind == ProductKind.Agent).Should().HaveCount(4)
            .And.OnlyContain(p => p.Metadata.ContainsKey(CatalogMetadata.FlowTemplate) && p.Metadata.ContainsKey(CatalogMetadata.CreditsPerRun))
            .And.OnlyContain(p => !p.Metadata.ContainsKey(CatalogMetadata.Credits), "demo plans include no credits: buyers add a credit pack");
        demo.Products.Where(p => p.Kind == ProductKind.Credits).Should().OnlyContain(p => p.Metadata.ContainsKey(CatalogMetadata.Credits));
        demo.Products.Should().OnlyContain(p => p.Metadata[CatalogMetadata.AcpEnableSearch] == "true" && p.Metadata[CatalogMetadata.AcpEnableCheckout] == "true");
        demo.Products.Where(p => p.Kind == ProductKind.Physical).Should().HaveCount(2).And.OnlyContain(p => p.Shippable && p.Weight != null);
        demo.ShippingZones.Should().ContainSingle().Which.Countries.Should().Equal("US");
    }

    [Fact]
    public void A_catalog_file_with_duplicates_and_bad_zones_is_refused_with_each_problem()
    {
        var r = CatalogFile.Parse("""
            { "currency": "USD", "products": [
                { "sku": "A", "name": "A", "slug": "a", "kind": "credits", "price": 1 },
                { "sku": "A", "name": "A2", "slug": "a", "kind": "credits" } ],
              "shippingZones": [ { "name": "Z", "countries": ["usa"], "methods": [ { "name": "M", "price": "1.234" } ] } ] }
            """, "test.json");

        r.Error!.Code.Should().Be("catalog_file_invalid");
        r.Error.Message.Should().Contain("products[1] (A): price is required").And.Contain("shippingZones[0] (Z): method 'M': 1.234 has more decimals")
            .And.Contain("'usa' is not an ISO 3166-1");
        CatalogFile.Parse("""{ "products": [ { "sku": "A", "name": "A", "slug": "a", "kind": "credits", "price": 1 }, { "sku": "A", "name": "B", "slug": "a", "kind": "credits", "price": 1 } ] }""", "t")
            .Error!.Message.Should().Contain("SKU A appears 2 times").And.Contain("slug a appears 2 times");
        CatalogFile.Parse("{ nope", "t").Error!.Message.Should().Contain("not valid JSON");
    }

    [Fact]
    public void The_report_counts_and_words_follow_the_mode()
    {
        var report = new InstallReport(dryRun: false);
        report.Add("app", "cmp-provisioner", InstallAction.Unchanged);
        var unchanged = report.Summary();
        report.Add("webhook", "w", InstallAction.Created, ["one", "two"]);
        var output = new StringWriter();
        report.Write(output);
        var dry = new InstallReport(dryRun: true);
        dry.Add("product", "X", InstallAction.Updated, ["price"]);

        unchanged.Should().Be("No changes: Saleor already matches (1 unchanged).");
        output.ToString().Should().MatchRegex(@"webhook\s+w\s+created\s+one\n\s+two").And.Contain("Done: 1 created, 0 updated, 0 deleted, 1 unchanged.");
        dry.Summary().Should().Be("Dry run, nothing was changed. Planned: 0 to create, 1 to update, 0 to delete, 0 unchanged.");
    }
}
