using System.ComponentModel.DataAnnotations;

namespace Cmp.Gateway.Auth.Widget;

/// <summary>Widget tokens. Bound from <c>Widget</c>. Without <see cref="SigningKey"/> the widget is switched off.</summary>
public sealed class WidgetOptions
{
    public const string Section = "Widget";

    /// <summary>
    /// The HMAC-SHA256 key widget tokens are signed with: at least 32 bytes (a base64 string of a random 32+ byte value,
    /// or any 32+ character secret). A secret: set it from a Kubernetes Secret (<c>Widget__SigningKey</c>). Every
    /// replica needs the same value.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>Keys that signed tokens still in circulation during a rotation: accepted, never used to sign.</summary>
    public string[] PreviousSigningKeys { get; set; } = [];

    /// <summary>How long a widget token is valid. Short: it sits in a web page.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Tolerated clock difference between the replica that signed a token and the one that checks it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The <c>iss</c> of widget tokens.</summary>
    [Required]
    public string Issuer { get; set; } = "cmp-gateway";

    /// <summary>Allow <c>http://localhost</c>, <c>http://127.0.0.1</c> and <c>http://[::1]</c> origins (development pages);
    /// every other origin must be https.</summary>
    public bool AllowHttpLoopbackOrigins { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(SigningKey);
}
