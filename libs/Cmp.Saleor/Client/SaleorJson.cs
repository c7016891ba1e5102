using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cmp.Saleor.Client;

/// <summary>JSON conventions of Saleor's API: camelCase names, enums as their GraphQL names (strings), no nulls sent
/// (an omitted input field means "leave as is" in Saleor; send an explicit null through a dictionary when needed).</summary>
public static class SaleorJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };
}
