using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Cmp.Gateway.Features.Acp.Protocol;

/// <summary>Who is calling: an agent platform by API key, or a buyer by Keycloak token (MCP, delegate payment).</summary>
public sealed record AcpCaller(string Owner, AcpPlatformOptions? Platform, ClaimsPrincipal? User)
{
    public static AcpCaller ForPlatform(AcpPlatformOptions p) => new("platform:" + p.Id, p, null);
    public static AcpCaller ForUser(ClaimsPrincipal user, string subject) => new("user:" + subject, null, user);
}

/// <summary>What the ACP pipeline established about one request before its handler runs.</summary>
public sealed record AcpCall(
    AcpCaller Caller,
    AcpVersion Version,
    string Locale,
    string? RequestId,
    string? IdempotencyKey,
    byte[] Body,
    Uri PublicBase)
{
    static readonly object ItemKey = new();

    public string Owner => Caller.Owner;

    public void Attach(HttpContext http) => http.Items[ItemKey] = this;

    public static AcpCall Of(HttpContext http) =>
        http.Items.TryGetValue(ItemKey, out var v) && v is AcpCall call
            ? call
            : throw new InvalidOperationException("The ACP pipeline did not run for this endpoint (AcpEndpointFilter missing).");
}
