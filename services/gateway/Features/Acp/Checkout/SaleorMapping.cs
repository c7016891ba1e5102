using Cmp.Gateway.Infrastructure.Commerce.Saleor;
using Cmp.Primitives;
using Cmp.Saleor.Client;

namespace Cmp.Gateway.Features.Acp.Checkout;

/// <summary>ACP ↔ Saleor shapes: addresses (ACP's single <c>name</c> ↔ Saleor's first/last name) and the address
/// fields Saleor's validation errors name.</summary>
public static class SaleorMapping
{
    public static SaleorAddressInput ToSaleor(AddressInput a)
    {
        var name = a.Name.Trim();
        var cut = name.LastIndexOf(' ');
        var (first, last) = cut > 0 ? (name[..cut].Trim(), name[(cut + 1)..].Trim()) : (name, "");
        return new SaleorAddressInput(first, last, Blank(a.Company), a.LineOne.Trim(), Blank(a.LineTwo), a.City.Trim(), a.PostalCode.Trim(),
            a.Country.Trim().ToUpperInvariant(), Blank(a.State), Blank(a.Phone));
    }

    /// <summary>The ACP address field a Saleor address field corresponds to (for <c>messages[].param</c>).</summary>
    public static string? AcpField(string? saleorField) => saleorField switch
    {
        "streetAddress1" => "line_one",
        "streetAddress2" => "line_two",
        "city" or "cityArea" => "city",
        "postalCode" => "postal_code",
        "countryArea" => "state",
        "country" => "country",
        "firstName" or "lastName" => "name",
        "companyName" => "company",
        "phone" => "phone_number",
        _ => null,
    };

    public static bool IsAddressError(Error e) =>
        e.SaleorErrors().Any(x => AcpField(x.Field) is not null || x.Field is "shippingAddress" or "billingAddress");

    /// <summary>Variants Saleor refused for stock or per-order limits, with the code it gave.</summary>
    public static IReadOnlyList<(string Code, string Message)> StockProblems(Error e) =>
        e.SaleorErrors().Where(x => x.Code is "INSUFFICIENT_STOCK" or "QUANTITY_GREATER_THAN_LIMIT").Select(x => (x.Code, x.Message)).ToArray();

    static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
