using Cmp.Gateway.Features.Acp.Protocol;
using Cmp.Gateway.Features.Payments;

namespace Cmp.Gateway.Features.Acp.Discovery;

/// <summary><c>GET /.well-known/acp.json</c> (2026-04-17 DiscoveryResponse): what this seller speaks, for agents to
/// find before their first call. Public, stable, cacheable; no merchant ids or session data (checklist 119–120).</summary>
public static class AcpDiscovery
{
    sealed record ProtocolDto(string Name, string Version, IReadOnlyList<string> SupportedVersions, string? DocumentationUrl);
    sealed record CapabilitiesDto(IReadOnlyList<string> Services, IReadOnlyList<string> InterventionTypes, IReadOnlyList<string> SupportedCurrencies,
        IReadOnlyList<string> SupportedLocales);
    sealed record DiscoveryDto(ProtocolDto Protocol, string ApiBaseUrl, IReadOnlyList<string> Transports, CapabilitiesDto Capabilities);

    public static AcpResponse Build(AcpOptions o, PaymentOptions payments, bool mcp, Uri publicBase)
    {
        var versions = o.Versions().Select(v => v.ToWire()).ToArray();   // oldest first, as DiscoveryProtocol asks
        var services = new List<string> { "checkout" };
        if (payments.TestPsp.Enabled) services.Add("delegate_payment");
        var body = new DiscoveryDto(
            new ProtocolDto("acp", versions[^1], versions, o.DocumentationUrl?.ToString()),
            new Uri(publicBase, o.BasePath.TrimStart('/')).ToString(),
            mcp ? ["rest", "mcp"] : ["rest"],
            new CapabilitiesDto(services, ["3ds"], o.SupportedCurrencies.Select(c => c.ToLowerInvariant()).ToArray(), AcpTexts.SupportedLocales));
        return AcpResponse.Json(200, body, AcpJson.Write, new Dictionary<string, string> { ["Cache-Control"] = "public, max-age=3600" });
    }
}
