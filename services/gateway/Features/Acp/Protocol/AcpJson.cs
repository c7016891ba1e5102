using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cmp.Gateway.Features.Acp.Protocol;

/// <summary>JSON conventions of the ACP wire: snake_case, enums as snake_case strings, absent rather than null for
/// optional fields (the schemas declare almost nothing nullable), and strict reading (an unknown member is a 400 naming
/// it, as every request schema sets <c>additionalProperties: false</c>).</summary>
public static class AcpJson
{
    public static readonly JsonSerializerOptions Write = Configure(strict: false);

    public static readonly JsonSerializerOptions Read = Configure(strict: true);

    static JsonSerializerOptions Configure(bool strict)
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            UnmappedMemberHandling = strict ? JsonUnmappedMemberHandling.Disallow : JsonUnmappedMemberHandling.Skip,
            NumberHandling = JsonNumberHandling.Strict,
            AllowTrailingCommas = false,
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
