using System.Net;
using System.Text;
using System.Text.Json;
using Cmp.Primitives;
using Cmp.Saleor.Client;
using Cmp.Saleor.GraphQL;

namespace Cmp.Saleor.Tests.Client;

/// <summary>How each kind of Saleor answer maps to a result (saleor.md §8), with canned bodies.</summary>
public sealed class SaleorResponseReaderTests
{
    static readonly SaleorOperation Query = SaleorOperations.Default.Get("Order");
    static readonly SaleorOperation Mutation = SaleorOperations.Default.Get("CheckoutComplete");

    static Result<JsonElement> Read(SaleorOperation op, HttpStatusCode status, string body, Uri? location = null) =>
        SaleorResponseReader.Read<JsonElement>(op, status, location, Encoding.UTF8.GetBytes(body));

    [Fact]
    public void Data_is_returned_typed()
    {
        var r = SaleorResponseReader.Read<ShopData>(Query, HttpStatusCode.OK, null, Encoding.UTF8.GetBytes("""{"data":{"shop":{"schemaVersion":"3.24"}}}"""));

        r.Value.Shop.SchemaVersion.Should().Be("3.24");
    }

    [Fact]
    public void Permission_denied_is_forbidden_and_names_the_permission()
    {
        var r = Read(Query, HttpStatusCode.OK, """
            {"errors":[{"message":"To access this path, you need one of the following permissions: MANAGE_ORDERS, MANAGE_APPS","path":["order"],
            "extensions":{"exception":{"code":"PermissionDenied"}}}],"data":{"order":null}}
            """);

        r.Error!.Kind.Should().Be(ErrorKind.Forbidden);
        r.Error.Code.Should().Be(SaleorErrorCodes.PermissionDenied);
        r.Error.RequiredPermissions().Should().Equal("MANAGE_ORDERS", "MANAGE_APPS");
        r.Error.Message.Should().Contain("Order").And.Contain("'order'").And.Contain("MANAGE_ORDERS").And.Contain("unknown token");
        r.Error.SaleorOperation().Should().Be("Order");
    }

    [Fact]
    public void Mutation_errors_become_business_errors_with_saleors_codes()
    {
        var r = Read(Mutation, HttpStatusCode.OK, """
            {"data":{"checkoutComplete":{"order":null,"confirmationNeeded":false,"errors":[
              {"field":"id","message":"The authorized amount doesn't cover the checkout's total amount.","code":"CHECKOUT_NOT_FULLY_PAID"},
              {"field":"lines","message":"Insufficient quantity","code":"INSUFFICIENT_STOCK"}]}}}
            """);

        r.Error!.Code.Should().Be(SaleorErrorCodes.CheckoutNotFullyPaid);
        r.Error.Kind.Should().Be(ErrorKind.Conflict);
        r.Error.SaleorErrors().Select(e => (e.Field, e.Code)).Should().Equal(("id", "CHECKOUT_NOT_FULLY_PAID"), ("lines", "INSUFFICIENT_STOCK"));
        r.Error.HasSaleorCode("insufficient_stock").Should().BeTrue();
        r.Error.Message.Should().Contain("CHECKOUT_NOT_FULLY_PAID on 'id'");
    }

    [Theory]
    [InlineData("NOT_FOUND", ErrorKind.NotFound)]
    [InlineData("UNIQUE", ErrorKind.Conflict)]
    [InlineData("OUT_OF_SCOPE_PERMISSION", ErrorKind.Forbidden)]
    [InlineData("INVALID_CREDENTIALS", ErrorKind.Unauthorized)]
    [InlineData("REQUIRED", ErrorKind.Validation)]
    public void Business_codes_map_to_kinds(string code, ErrorKind kind)
    {
        var r = Read(Mutation, HttpStatusCode.OK, """{"data":{"checkoutComplete":{"errors":[{"field":null,"message":"m","code":"CODE"}]}}}""".Replace("CODE", code, StringComparison.Ordinal));

        r.Error!.Kind.Should().Be(kind);
        r.Error.Code.Should().Be(code.ToLowerInvariant());
    }

    [Fact]
    public void An_empty_errors_list_is_success()
    {
        Read(Mutation, HttpStatusCode.OK, """{"data":{"checkoutComplete":{"order":{"id":"T3JkZXI6MQ=="},"errors":[]}}}""").IsSuccess.Should().BeTrue();
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public void Server_errors_are_transient(HttpStatusCode status)
    {
        var r = Read(Query, status, "<html>busy</html>");

        r.Error!.Kind.Should().Be(ErrorKind.Transient);
        r.Error.Code.Should().Be(SaleorErrorCodes.Unavailable);
    }

    [Fact]
    public void A_rejected_document_is_permanent()
    {
        var r = Read(Query, HttpStatusCode.BadRequest, """{"errors":[{"message":"Cannot query field \"inventedField\" on type \"Order\"."}]}""");

        r.Error!.Kind.Should().Be(ErrorKind.Permanent);
        r.Error.Code.Should().Be(SaleorErrorCodes.DocumentRejected);
        r.Error.Message.Should().Contain("inventedField").And.Contain("Saleor version");
    }

    [Fact]
    public void Other_top_level_errors_are_validation_errors()
    {
        var r = Read(Query, HttpStatusCode.OK, """{"errors":[{"message":"Couldn't resolve id: nope."}],"data":{"order":null}}""");

        r.Error!.Kind.Should().Be(ErrorKind.Validation);
        r.Error.Code.Should().Be(SaleorErrorCodes.GraphQLError);
        r.Error.Message.Should().Contain("Couldn't resolve id: nope.");
    }

    [Fact]
    public void An_expired_staff_token_is_unauthorized()
    {
        var r = Read(Query, HttpStatusCode.OK, """{"errors":[{"message":"Signature has expired","extensions":{"exception":{"code":"ExpiredSignatureError"}}}]}""");

        r.Error!.Kind.Should().Be(ErrorKind.Unauthorized);
    }

    [Fact]
    public void A_redirect_points_at_the_api_url_setting()
    {
        var r = Read(Query, HttpStatusCode.MovedPermanently, "", new Uri("/graphql/", UriKind.Relative));

        r.Error!.Code.Should().Be(SaleorErrorCodes.Redirected);
        r.Error.Message.Should().Contain("Saleor:ApiUrl").And.Contain("/graphql/");
    }

    [Fact]
    public void A_non_json_body_is_an_upstream_error_and_an_unexpected_shape_is_permanent()
    {
        Read(Query, HttpStatusCode.OK, "<html>proxy login</html>").Error!.Kind.Should().Be(ErrorKind.Upstream);

        var shape = SaleorResponseReader.Read<ShopData>(Query, HttpStatusCode.OK, null, Encoding.UTF8.GetBytes("""{"data":{"shop":"not an object"}}"""));
        shape.Error!.Code.Should().Be(SaleorErrorCodes.UnexpectedShape);
        shape.Error.Kind.Should().Be(ErrorKind.Permanent);
    }

    sealed record ShopData(ShopNode Shop);
    sealed record ShopNode(string SchemaVersion);
}
