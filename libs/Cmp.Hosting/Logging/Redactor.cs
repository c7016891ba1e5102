using System.Text.RegularExpressions;

namespace Cmp.Hosting.Logging;

/// <summary>
/// Removes secrets and personal data from log text: bearer tokens, JWTs, API keys and vault tokens, card numbers
/// (Luhn-valid digit runs), and the local part of e-mail addresses. Applied by the JSON log formatter to every
/// message, exception and structured value, so a careless log line cannot leak them.
/// </summary>
public static partial class Redactor
{
    public const string Mask = "[REDACTED]";

    /// <summary>Property names whose values are always masked whole (matched anywhere in the name).</summary>
    static readonly string[] SecretNames =
        ["password", "secret", "token", "authorization", "apikey", "api_key", "api-key", "cookie", "cardnumber", "card_number", "cvc", "cvv", "signature"];

    /// <summary>Short names matched whole only, so that e.g. SpanId is not mistaken for a card's PAN.</summary>
    static readonly string[] SecretWords = ["pan", "card", "number"];

    public static bool IsSecretName(string name)
    {
        foreach (var s in SecretNames)
            if (name.Contains(s, StringComparison.OrdinalIgnoreCase)) return true;
        foreach (var w in SecretWords)
            if (name.Equals(w, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        var s = BearerPattern().Replace(text, "Bearer " + Mask);
        s = JwtPattern().Replace(s, Mask);
        s = PrefixedKeyPattern().Replace(s, m => m.Groups["prefix"].Value + Mask);
        s = CardPattern().Replace(s, m => IsLuhn(m.Value) ? Mask : m.Value);
        s = EmailPattern().Replace(s, m => "***@" + m.Groups["domain"].Value);
        return s;
    }

    static bool IsLuhn(string candidate)
    {
        int sum = 0, count = 0;
        var alternate = false;
        for (var i = candidate.Length - 1; i >= 0; i--)
        {
            var c = candidate[i];
            if (c is ' ' or '-') continue;
            var d = c - '0';
            if (alternate) { d *= 2; if (d > 9) d -= 9; }
            sum += d;
            alternate = !alternate;
            count++;
        }
        return count is >= 13 and <= 19 && sum % 10 == 0;
    }

    [GeneratedRegex(@"(?i)\bbearer\s+[A-Za-z0-9\-._~+/]+=*")]
    private static partial Regex BearerPattern();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")]
    private static partial Regex JwtPattern();

    // cmp_ instance API keys, vt_ vault tokens (test PSP), Stripe secrets and shared payment tokens, Langflow keys.
    [GeneratedRegex(@"\b(?<prefix>cmp_|vt_|sk_live_|sk_test_|rk_live_|rk_test_|spt_|whsec_|sk-)[A-Za-z0-9_\-]{6,}")]
    private static partial Regex PrefixedKeyPattern();

    [GeneratedRegex(@"\b\d(?:[ -]?\d){12,18}\b")]
    private static partial Regex CardPattern();

    [GeneratedRegex(@"\b[A-Za-z0-9._%+\-]+@(?<domain>[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)\b")]
    private static partial Regex EmailPattern();
}
