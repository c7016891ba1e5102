using System.Diagnostics.CodeAnalysis;

namespace Cmp.Primitives;

/// <summary>Either a value or an <see cref="Error"/>. Expected failures travel as values; exceptions are for bugs.</summary>
public readonly struct Result<T>
{
    readonly T? _value;

    Result(T value) { _value = value; Error = null; }
    Result(Error error) { _value = default; Error = error; }

    public Error? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    /// <summary>The value; throws if this is a failure (a bug in the caller).</summary>
    public T Value => IsSuccess ? _value! : throw new InvalidOperationException($"Result is a failure: {Error}");

    public static Result<T> Success(T value) => new(value);
    public static Result<T> Failure(Error error) => new(error ?? throw new ArgumentNullException(nameof(error)));

    public static implicit operator Result<T>(T value) => new(value);
    public static implicit operator Result<T>(Error error) => Failure(error);

    public TOut Match<TOut>(Func<T, TOut> success, Func<Error, TOut> failure) =>
        IsSuccess ? success(_value!) : failure(Error);

    public Result<TOut> Map<TOut>(Func<T, TOut> map) => IsSuccess ? map(_value!) : Result<TOut>.Failure(Error);

    public bool TryGetValue([MaybeNullWhen(false)] out T value, [NotNullWhen(false)] out Error? error)
    {
        value = _value;
        error = Error;
        return IsSuccess;
    }

    public override string ToString() => IsSuccess ? $"Success({_value})" : $"Failure({Error})";
}

/// <summary>A result without a value.</summary>
public readonly record struct Unit
{
    public static readonly Unit Value;
}
