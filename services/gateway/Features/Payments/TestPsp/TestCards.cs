namespace Cmp.Gateway.Features.Payments.TestPsp;

/// <summary>
/// Card rules of the test PSP: Luhn, brand by IIN, and the outcome a test number stands for. The numbers are Stripe's
/// public test numbers (stripe.md §2.7), so the same cards behave the same through both providers.
/// </summary>
public static class TestCards
{
    public const string Approve = "approve";
    public const string Decline = "generic_decline";
    public const string InsufficientFunds = "insufficient_funds";
    public const string ExpiredCard = "expired_card";
    public const string IncorrectCvc = "incorrect_cvc";
    public const string ProcessingError = "processing_error";
    public const string RequiresAuthentication = "requires_3ds";
    /// <summary>3-D Secure succeeds, then the issuer declines anyway.</summary>
    public const string AuthenticateThenDecline = "3ds_then_decline";

    static readonly Dictionary<string, string> Behaviours = new(StringComparer.Ordinal)
    {
        ["4000000000000002"] = Decline,
        ["4000000000009995"] = InsufficientFunds,
        ["4000000000009987"] = "lost_card",
        ["4000000000009979"] = "stolen_card",
        ["4000000000000069"] = ExpiredCard,
        ["4000000000000127"] = IncorrectCvc,
        ["4000000000000119"] = ProcessingError,
        ["4000000000003220"] = RequiresAuthentication,
        ["4000002760003184"] = RequiresAuthentication,
        ["4000002500003155"] = RequiresAuthentication,
        ["4000008400001629"] = AuthenticateThenDecline,
    };

    public static string BehaviourOf(string number) => Behaviours.GetValueOrDefault(number, Approve);

    public static bool IsLuhnValid(string digits)
    {
        if (digits.Length is < 12 or > 19 || !digits.All(char.IsAsciiDigit)) return false;
        var sum = 0;
        var alternate = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (alternate) { d *= 2; if (d > 9) d -= 9; }
            sum += d;
            alternate = !alternate;
        }
        return sum % 10 == 0;
    }

    public static string BrandOf(string number) => number switch
    {
        _ when number.StartsWith('4') => "visa",
        _ when number.Length >= 2 && int.Parse(number[..2], System.Globalization.CultureInfo.InvariantCulture) is >= 51 and <= 55 => "mastercard",
        _ when number.Length >= 4 && int.Parse(number[..4], System.Globalization.CultureInfo.InvariantCulture) is >= 2221 and <= 2720 => "mastercard",
        _ when number.StartsWith("34", StringComparison.Ordinal) || number.StartsWith("37", StringComparison.Ordinal) => "amex",
        _ when number.StartsWith("6011", StringComparison.Ordinal) || number.StartsWith("65", StringComparison.Ordinal) => "discover",
        _ => "unknown",
    };

    /// <summary>3-D Secure directory server of a brand (2026-04-17 enum: american_express, mastercard, visa).</summary>
    public static string DirectoryServerOf(string brand) => brand switch
    {
        "mastercard" => "mastercard",
        "amex" => "american_express",
        _ => "visa",
    };
}
