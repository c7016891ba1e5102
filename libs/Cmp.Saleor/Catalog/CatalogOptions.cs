using System.ComponentModel.DataAnnotations;

namespace Cmp.Saleor.Catalog;

/// <summary>Where catalog sync puts things in Saleor. Bound from <c>Saleor:Catalog</c>; the defaults suit a fresh Saleor.</summary>
public sealed class CatalogOptions
{
    public const string Section = "Saleor:Catalog";

    /// <summary>The channel products are listed and priced in. It must exist (CMP does not create channels).</summary>
    [Required, RegularExpression("^[a-z0-9-]+$")]
    public string Channel { get; set; } = "default-channel";

    /// <summary>Warehouse holding stock rows (created and assigned to the channel when missing).</summary>
    [Required, RegularExpression("^[a-z0-9-]+$")]
    public string WarehouseSlug { get; set; } = "cmp-warehouse";

    [Required]
    public string WarehouseName { get; set; } = "CMP Warehouse";

    /// <summary>The warehouse's address (Saleor validates it against its country's address rules).</summary>
    [Required]
    public WarehouseAddress WarehouseAddress { get; set; } = new();

    /// <summary>Quantity of the stock row of untracked digital variants (never decremented; Saleor's
    /// <c>product.isAvailable</c> needs a positive row).</summary>
    [Range(1, int.MaxValue)]
    public int DigitalStock { get; set; } = 1_000_000;

    /// <summary>Stock of a new physical variant when its spec gives none.</summary>
    [Range(0, int.MaxValue)]
    public int DefaultPhysicalStock { get; set; } = 100;
}

/// <summary>A warehouse address (US format by default).</summary>
public sealed class WarehouseAddress
{
    public string CompanyName { get; set; } = "CMP";
    public string StreetAddress1 { get; set; } = "1 Market St";
    public string City { get; set; } = "San Francisco";
    public string PostalCode { get; set; } = "94105";
    [RegularExpression("^[A-Z]{2}$")]
    public string Country { get; set; } = "US";
    public string CountryArea { get; set; } = "CA";
}
