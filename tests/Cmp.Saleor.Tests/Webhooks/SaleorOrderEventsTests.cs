using System.Text;
using Cmp.Primitives;
using Cmp.Saleor.Webhooks;
using Cmp.Testing;

namespace Cmp.Saleor.Tests.Webhooks;

/// <summary>Payload parsing against the reference body (saleor.md §3.3) and against broken bodies.</summary>
public sealed class SaleorOrderEventsTests
{
    static byte[] Reference() => File.ReadAllBytes(RepoPaths.RequireReference("saleor/example-order-fully-paid.json"));

    [Fact]
    public void The_reference_order_fully_paid_body_parses_into_typed_records()
    {
        var e = SaleorOrderEvents.Parse("order_fully_paid", Reference()).Value;

        e.Type.Should().Be(SaleorOrderEventType.OrderFullyPaid);
        e.IssuedAt.Should().Be(new DateTimeOffset(2026, 8, 21, 9, 14, 3, 512, 345, TimeSpan.Zero));
        e.SaleorVersion.Should().Be("3.24.0-a.0");
        e.PayloadErrors.Should().BeEmpty();
        var o = e.Order;
        o.Id.Should().Be("T3JkZXI6M2YxYzJhOWUtOGQ0Yi00YzdlLTlhNTEtMmI2ZjBlN2Q0YzEx");
        o.Number.Should().Be("1001");
        o.UserEmail.Should().Be("buyer@example.com");
        o.UserId.Should().Be("VXNlcjo0Mg==");
        o.ChannelSlug.Should().Be("default-channel");
        o.Total.Should().Be(new Money(6900, "EUR"));
        o.Metadata.Should().Contain("source", "agent");
        o.Lines.Should().HaveCount(2);
        var csa = o.Lines[0];
        csa.Sku.Should().Be("CSA-PRO");
        csa.Quantity.Should().Be(1);
        csa.VariantId.Should().Be("UHJvZHVjdFZhcmlhbnQ6Mg==");
        csa.ProductSlug.Should().Be("csa-pro");
        csa.VariantMetadata.Should().Contain("entitlement", "csa-pro");
        csa.ProductMetadata.Should().Contain("kind", "license");
        o.Lines[1].Quantity.Should().Be(2);
    }

    [Fact]
    public void The_sku_snapshot_wins_and_a_deleted_variant_still_yields_a_line()
    {
        var body = """
            {"__typename": "OrderCancelled", "order": {"id": "T3JkZXI6MQ==", "number": "7", "total": {"gross": {"amount": 19.99, "currency": "USD"}},
             "lines": [{"id": "L1", "productSku": "OLD-SKU", "productVariantId": "UHJvZHVjdFZhcmlhbnQ6OQ==", "quantity": 1, "variant": null},
                       {"id": "L2", "productSku": null, "quantity": 3, "variant": {"id": "V2", "sku": "LIVE-SKU", "metadata": [], "product": null}}]}}
            """;

        var e = SaleorOrderEvents.Parse("order_cancelled", Encoding.UTF8.GetBytes(body)).Value;

        e.Order.Total.Should().Be(new Money(1999, "USD"));
        e.Order.Lines[0].Sku.Should().Be("OLD-SKU");
        e.Order.Lines[0].VariantMetadata.Should().BeEmpty();
        e.Order.Lines[1].Sku.Should().Be("LIVE-SKU");
        e.Order.Lines[1].VariantId.Should().Be("V2");
    }

    [Fact]
    public void The_feature_preview_envelope_is_accepted()
    {
        var body = """{"data": {"orderRefunded": {"order": {"id": "O1", "number": "1", "total": {"gross": {"amount": 1.0, "currency": "USD"}}, "lines": []}}}}""";

        SaleorOrderEvents.Parse("order_refunded", Encoding.UTF8.GetBytes(body)).Value.Order.Id.Should().Be("O1");
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("""{"__typename": "OrderCancelled", "order": null}""", "__typename is OrderCancelled")]
    [InlineData("""{"__typename": "OrderFullyPaid", "order": null, "errors": [{"message": "boom"}]}""", "order is missing (Saleor reported: boom)")]
    [InlineData("""{"order": {"number": "1", "total": {"gross": {"amount": 1.0, "currency": "USD"}}, "lines": []}}""", "order.id is missing")]
    [InlineData("""{"order": {"id": "O", "number": "1", "lines": []}}""", "order.total.gross.amount is missing")]
    [InlineData("""{"order": {"id": "O", "number": "1", "total": {"gross": {"amount": 1.0, "currency": "usd"}}, "lines": []}}""", "not an ISO 4217 code")]
    [InlineData("""{"order": {"id": "O", "number": "1", "total": {"gross": {"amount": 1.0, "currency": "USD"}}}}""", "order.lines is missing")]
    [InlineData("""{"order": {"id": "O", "number": "1", "total": {"gross": {"amount": 1.0, "currency": "USD"}}, "lines": [{"id": "L"}]}}""", "order line L has no valid quantity")]
    public void Broken_bodies_are_validation_errors_that_say_what_is_wrong(string body, string reason)
    {
        var r = SaleorOrderEvents.Parse("order_fully_paid", Encoding.UTF8.GetBytes(body));

        r.Error!.Code.Should().Be(SaleorWebhookErrors.PayloadInvalid);
        r.Error.Kind.Should().Be(ErrorKind.Validation);
        r.Error.Message.Should().Contain(reason);
    }

    [Fact]
    public void Events_cmp_does_not_handle_are_acknowledged_as_no_ops()
    {
        var r = SaleorOrderEvents.Parse("order_created", Reference());

        r.Error!.Kind.Should().Be(ErrorKind.NoOp);
        r.Error.Code.Should().Be(SaleorWebhookErrors.EventUnsupported);
    }
}
