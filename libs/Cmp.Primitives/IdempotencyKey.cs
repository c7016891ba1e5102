namespace Cmp.Primitives;

/// <summary>A client- or system-chosen key that makes a state-changing call safe to repeat.
/// Printable ASCII, 1–255 characters, so it fits a unique index and an HTTP header unchanged.</summary>
public readonly record struct IdempotencyKey
{
    public const int MaxLength = 255;

    IdempotencyKey(string value) => Value = value;

    public string Value { get; }

    public static Result<IdempotencyKey> Parse(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return Error.Validation("idempotency_key_missing", "An Idempotency-Key is required for this operation.");
        if (raw.Length > MaxLength)
            return Error.Validation("idempotency_key_too_long", $"The Idempotency-Key must be at most {MaxLength} characters.");
        if (raw.Any(c => c is < (char)0x21 or > (char)0x7e))
            return Error.Validation("idempotency_key_invalid", "The Idempotency-Key must be printable ASCII without spaces.");
        return new IdempotencyKey(raw);
    }

    /// <summary>Builds a key from parts (e.g. order id, line id, unit index) joined by '/'.</summary>
    public static IdempotencyKey Derive(params string[] parts) => Parse(string.Join('/', parts)).Value;

    public override string ToString() => Value;
}
