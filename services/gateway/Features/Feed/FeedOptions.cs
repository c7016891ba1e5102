using System.ComponentModel.DataAnnotations;

namespace Cmp.Gateway.Features.Feed;

/// <summary>The product feeds. Bound from <c>Feed</c>.</summary>
public sealed class FeedOptions
{
    public const string Section = "Feed";

    /// <summary>The feed's stable id (ACP FeedMetadata.id).</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,100}$")]
    public string Id { get; set; } = "cmp-catalog";

    /// <summary>ISO 3166-1 alpha-2 market of the feed.</summary>
    [Required, RegularExpression("^[A-Z]{2}$")]
    public string TargetCountry { get; set; } = "US";

    /// <summary>How long a generated feed is served before it is built again from Saleor.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Products read per Saleor page (Saleor's limit is 100).</summary>
    [Range(1, 100)]
    public int PageSize { get; set; } = 100;

    /// <summary>A tracked variant with this many or fewer in stock is <c>limited_stock</c>.</summary>
    [Range(0, 1_000_000)]
    public int LimitedStockAt { get; set; } = 5;
}
