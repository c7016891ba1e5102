using System.Security.Cryptography;
using System.Text;

namespace Cmp.ControlPlane.Domain;

/// <summary>
/// An instance API key. The secret (<c>cmp_&lt;prefix&gt;_&lt;random&gt;</c>) is shown once; only its SHA-256 is stored
/// (256 random bits need no slow hash), and the prefix stays visible so people can tell keys apart.
/// </summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public required string Prefix { get; set; }
    public required byte[] Hash { get; set; }
    public string? IdempotencyKey { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsActive => RevokedAt is null;
}

public static class ApiKeySecret
{
    public const string Scheme = "cmp_";
    const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>A new secret and the parts stored of it.</summary>
    public static (string Secret, string Prefix, byte[] Hash) Generate()
    {
        var prefix = Random(8);
        var secret = $"{Scheme}{prefix}_{Random(43)}";   // 43 base62 characters ≈ 256 bits
        return (secret, Scheme + prefix, HashOf(secret));
    }

    public static byte[] HashOf(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Cheap shape check before touching the database.</summary>
    public static bool LooksValid(string? secret) =>
        secret is { Length: > 20 and < 100 } && secret.StartsWith(Scheme, StringComparison.Ordinal)
        && secret.Skip(Scheme.Length).All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    static string Random(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++) chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        return new string(chars);
    }
}
