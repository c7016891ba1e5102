using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Cmp.ControlPlane.Infrastructure.Data.EntityConfigurations;

/// <summary>Stores enums as lower-case names ("ready", "clawback"): readable in psql and stable if members are reordered.</summary>
sealed class LowerCaseEnumConverter<TEnum>() : ValueConverter<TEnum, string>(
    v => v.ToString().ToLowerInvariant(),
    s => Enum.Parse<TEnum>(s, true))
    where TEnum : struct, Enum
{
    /// <summary>SQL for a check constraint listing the allowed values.</summary>
    public static string Check(string column) =>
        $"{column} IN ({string.Join(", ", Enum.GetNames<TEnum>().Select(n => $"'{n.ToLowerInvariant()}'"))})";
}
