namespace Cmp.Primitives;

/// <summary>An expected failure, carried as a value. <see cref="Code"/> is stable and machine-readable
/// (snake_case), <see cref="Message"/> is for humans and must never contain secrets.</summary>
public sealed record Error(string Code, string Message, ErrorKind Kind)
{
    /// <summary>Extra members for the problem+json body (e.g. balance and price on a 402).</summary>
    public IReadOnlyDictionary<string, object?> Details { get; init; } = EmptyDetails;

    static readonly IReadOnlyDictionary<string, object?> EmptyDetails = new Dictionary<string, object?>();

    public Error With(string key, object? value)
    {
        var d = new Dictionary<string, object?>(Details) { [key] = value };
        return this with { Details = d };
    }

    public static Error Validation(string code, string message) => new(code, message, ErrorKind.Validation);
    public static Error NotFound(string code, string message) => new(code, message, ErrorKind.NotFound);
    public static Error Conflict(string code, string message) => new(code, message, ErrorKind.Conflict);
    public static Error Forbidden(string code, string message) => new(code, message, ErrorKind.Forbidden);
    public static Error Transient(string code, string message) => new(code, message, ErrorKind.Transient);
    public static Error Permanent(string code, string message) => new(code, message, ErrorKind.Permanent);
    public static Error NoOp(string code, string message) => new(code, message, ErrorKind.NoOp);

    public override string ToString() => $"{Kind}:{Code}: {Message}";
}
