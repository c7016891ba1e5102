using System.Net;
using System.Text;
using System.Text.Json;
using Cmp.Primitives;
using Cmp.Saleor.GraphQL;

namespace Cmp.Saleor.Client;

/// <summary>
/// Turns one Saleor HTTP response into a result (saleor.md §8): HTTP 5xx/408/429 are transient; a 400 means the
/// document does not fit this Saleor's schema; top-level <c>errors</c> with <c>PermissionDenied</c> are a
/// configuration problem (the app lacks a permission) and say which; other top-level errors are validation errors;
/// a mutation's own <c>errors</c> list becomes a business error carrying Saleor's codes. Pure, so every mapping is
/// unit-tested with canned bodies.
/// </summary>
public static class SaleorResponseReader
{
    const int MaxMessageLength = 600;

    public static Result<T> Read<T>(SaleorOperation op, HttpStatusCode status, Uri? location, ReadOnlySpan<byte> body)
    {
        var code = (int)status;
        if (code >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
            return Fail(op, Error.Transient(SaleorErrorCodes.Unavailable, $"Saleor answered {code} to {op.Name}; retry later."));
        if (code is >= 300 and < 400)
            return Fail(op, Error.Permanent(SaleorErrorCodes.Redirected,
                $"Saleor answered {code} to {op.Name} (Location: {location?.ToString() ?? "none"}): Saleor:ApiUrl must be the exact GraphQL endpoint, ending in /graphql/."));

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException)
        {
            return Fail(op, code == 200
                ? new Error(SaleorErrorCodes.BadResponse, $"Saleor answered {op.Name} with a body that is not JSON: is Saleor:ApiUrl a Saleor GraphQL endpoint?", ErrorKind.Upstream)
                : HttpFailure(op, code, null));
        }

        using (doc)
        {
            var root = doc.RootElement;
            var messages = TopLevelErrors(root);
            if (code == 401)
                return Fail(op, new Error(SaleorErrorCodes.Unauthorized,
                    $"Saleor refused {op.Name} (401): {Join(messages) ?? "unauthorized"}. Check the token.", ErrorKind.Unauthorized));
            if (code == 400)
                return Fail(op, Error.Permanent(SaleorErrorCodes.DocumentRejected,
                    $"Saleor rejected the {op.Name} document: {Join(messages) ?? "bad request"}. The document does not fit this Saleor's schema (check the Saleor version)."));
            if (code != 200) return Fail(op, HttpFailure(op, code, Join(messages)));

            if (messages.Count > 0) return Fail(op, TopLevelFailure(op, root));

            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
                return Fail(op, new Error(SaleorErrorCodes.BadResponse, $"Saleor answered {op.Name} without data.", ErrorKind.Upstream));

            if (op.Kind == GraphQLDefinitionKind.Mutation && MutationErrors(data) is { Count: > 0 } fieldErrors)
                return Fail(op, BusinessFailure(op, fieldErrors));

            try
            {
                var value = data.Deserialize<T>(SaleorJson.Options);
                if (value is null) return Fail(op, new Error(SaleorErrorCodes.BadResponse, $"Saleor answered {op.Name} with null data.", ErrorKind.Upstream));
                return value;
            }
            catch (JsonException e)
            {
                return Fail(op, Error.Permanent(SaleorErrorCodes.UnexpectedShape,
                    $"Saleor's answer to {op.Name} does not have the expected shape ({e.Path}: {e.Message}). Is this Saleor version supported?"));
            }
        }
    }

    static Error HttpFailure(SaleorOperation op, int code, string? message) =>
        Error.Permanent(SaleorErrorCodes.HttpError, $"Saleor answered {code} to {op.Name}{(message is null ? "" : ": " + message)}.");

    static Error TopLevelFailure(SaleorOperation op, JsonElement root)
    {
        var errors = root.GetProperty("errors").EnumerateArray().ToList();
        var denied = errors.Where(e => ExceptionCode(e) == "PermissionDenied").ToList();
        if (denied.Count > 0)
        {
            var message = Message(denied[0]);
            var permissions = PermissionsIn(message);
            var path = denied[0].TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.Array
                ? string.Join('.', p.EnumerateArray().Select(x => x.ToString()))
                : null;
            var need = permissions.Count > 0 ? $"one of {string.Join(", ", permissions)}" : "a permission it lacks";
            return new Error(SaleorErrorCodes.PermissionDenied,
                    $"Saleor denied {op.Name}{(path is null ? "" : $" at '{path}'")}: the token needs {need}. Grant it to the app " +
                    "(re-run `saleor install`), or check the token: Saleor treats an unknown token or an inactive app as anonymous.",
                    ErrorKind.Forbidden)
                .With(SaleorErrorExtensions.PermissionsKey, permissions);
        }
        var codes = errors.Select(ExceptionCode).Where(c => c is not null).ToList();
        var text = Join(errors.Select(Message).ToList()) ?? "unknown error";
        if (codes.Any(c => c!.Contains("Token", StringComparison.Ordinal) || c!.Contains("Signature", StringComparison.Ordinal) || c == "DecodeError"))
            return new Error(SaleorErrorCodes.Unauthorized, $"Saleor refused the token for {op.Name}: {text}.", ErrorKind.Unauthorized);
        return Error.Validation(SaleorErrorCodes.GraphQLError, $"Saleor reported an error for {op.Name}: {text}.");
    }

    static Error BusinessFailure(SaleorOperation op, IReadOnlyList<SaleorFieldError> errors)
    {
        var first = errors[0];
        var described = string.Join("; ", errors.Select(e => $"{e.Code}{(e.Field is null ? "" : $" on '{e.Field}'")}: {e.Message}"));
        return new Error(first.Code.ToLowerInvariant(), Truncate($"{op.Name} failed: {described}"), SaleorErrorExtensions.KindOf(first.Code))
            .With(SaleorErrorExtensions.FieldErrorsKey, errors);
    }

    /// <summary>The <c>errors</c> lists of every mutation field in <c>data</c> (one document may run several).</summary>
    static List<SaleorFieldError> MutationErrors(JsonElement data)
    {
        var list = new List<SaleorFieldError>();
        foreach (var field in data.EnumerateObject())
        {
            if (field.Value.ValueKind != JsonValueKind.Object || !field.Value.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array)
                continue;
            foreach (var e in errors.EnumerateArray())
            {
                list.Add(new SaleorFieldError(
                    e.TryGetProperty("field", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null,
                    e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "",
                    e.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "UNKNOWN"));
            }
        }
        return list;
    }

    static List<string> TopLevelErrors(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
            ? errors.EnumerateArray().Select(Message).ToList()
            : [];

    static string Message(JsonElement error) =>
        error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : error.ToString();

    static string? ExceptionCode(JsonElement error) =>
        error.ValueKind == JsonValueKind.Object
        && error.TryGetProperty("extensions", out var ext) && ext.ValueKind == JsonValueKind.Object
        && ext.TryGetProperty("exception", out var ex) && ex.ValueKind == JsonValueKind.Object
        && ex.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String
            ? c.GetString()
            : null;

    /// <summary>"To access this path, you need one of the following permissions: MANAGE_ORDERS, MANAGE_APPS".</summary>
    internal static IReadOnlyList<string> PermissionsIn(string message)
    {
        var i = message.LastIndexOf(':');
        if (i < 0) return [];
        return message[(i + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(p => p.All(ch => char.IsAsciiLetterUpper(ch) || ch == '_'))
            .ToArray();
    }

    static string? Join(IReadOnlyList<string> messages) => messages.Count == 0 ? null : Truncate(string.Join("; ", messages.Distinct()));

    static string Truncate(string s) => s.Length <= MaxMessageLength ? s : new StringBuilder(s, 0, MaxMessageLength, MaxMessageLength + 1).Append('…').ToString();

    static Error Fail(SaleorOperation op, Error error) => error.With(SaleorErrorExtensions.OperationKey, op.Name);

    /// <summary>For callers outside a response (network failures): the same operation detail.</summary>
    internal static Error Tag(SaleorOperation op, Error error) => error.With(SaleorErrorExtensions.OperationKey, op.Name);
}
