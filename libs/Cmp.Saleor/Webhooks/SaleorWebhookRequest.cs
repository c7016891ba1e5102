using Microsoft.AspNetCore.Http;

namespace Cmp.Saleor.Webhooks;

/// <summary>The parts of a delivery that verification looks at: the exact body bytes as received and Saleor's headers.</summary>
public sealed record SaleorWebhookRequest(ReadOnlyMemory<byte> Body, string? Signature, string? Event, string? Domain, string? ApiUrl)
{
    public const string SignatureHeader = "Saleor-Signature";
    public const string EventHeader = "Saleor-Event";
    public const string DomainHeader = "Saleor-Domain";
    public const string ApiUrlHeader = "Saleor-Api-Url";

    /// <summary>Reads Saleor's headers, falling back to the legacy <c>X-Saleor-*</c> twins (there is no
    /// <c>X-Saleor-Api-Url</c>; saleor.md §1.1).</summary>
    public static SaleorWebhookRequest FromHeaders(IHeaderDictionary headers, ReadOnlyMemory<byte> body) => new(
        body,
        First(headers, SignatureHeader, "X-" + SignatureHeader),
        First(headers, EventHeader, "X-" + EventHeader),
        First(headers, DomainHeader, "X-" + DomainHeader),
        First(headers, ApiUrlHeader, null));

    static string? First(IHeaderDictionary headers, string name, string? legacy)
    {
        var value = headers[name].ToString();
        if (value.Length == 0 && legacy is not null) value = headers[legacy].ToString();
        return value.Length == 0 ? null : value;
    }
}

/// <summary>How the delivery was signed.</summary>
public enum SaleorSignatureMode
{
    /// <summary>RS256 JWS with a detached, unencoded payload, checked against Saleor's JWKS (the default).</summary>
    Jws,
    /// <summary>Legacy lowercase hex HMAC-SHA256 with the webhook's <c>secretKey</c>.</summary>
    Hmac,
}

/// <summary>A delivery whose signature and origin were checked: only now may its body be parsed.</summary>
public sealed record VerifiedSaleorWebhook(string Event, ReadOnlyMemory<byte> Body, Uri ApiUrl, string Domain, SaleorSignatureMode Mode, string? KeyId);
