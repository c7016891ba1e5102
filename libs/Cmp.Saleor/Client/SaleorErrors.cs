using Cmp.Primitives;

namespace Cmp.Saleor.Client;

/// <summary>One entry of a mutation's <c>errors { field message code }</c> list (Saleor's business errors).</summary>
public sealed record SaleorFieldError(string? Field, string Message, string Code);

/// <summary>
/// The <see cref="Error.Code"/> values the Saleor client produces. Business errors from a mutation's own
/// <c>errors</c> list keep Saleor's code, lower-cased (<c>CHECKOUT_NOT_FULLY_PAID</c> → <c>checkout_not_fully_paid</c>),
/// so callers switch on them; the full list is in <see cref="SaleorErrorExtensions.SaleorErrors"/>.
/// </summary>
public static class SaleorErrorCodes
{
    // Transport and GraphQL level.
    public const string Unreachable = "saleor_unreachable";
    public const string Timeout = "saleor_timeout";
    public const string CircuitOpen = "saleor_circuit_open";
    public const string Unavailable = "saleor_unavailable";
    public const string Redirected = "saleor_redirected";
    public const string Unauthorized = "saleor_unauthorized";
    public const string PermissionDenied = "saleor_permission_denied";
    public const string DocumentRejected = "saleor_document_rejected";
    public const string GraphQLError = "saleor_graphql_error";
    public const string BadResponse = "saleor_bad_response";
    public const string UnexpectedShape = "saleor_unexpected_shape";
    public const string HttpError = "saleor_http_error";

    // Frequent business codes (mutation errors), lower-cased Saleor enum values.
    public const string CheckoutNotFullyPaid = "checkout_not_fully_paid";
    public const string InsufficientStock = "insufficient_stock";
    public const string Unique = "unique";
    public const string NotFound = "not_found";
    public const string Invalid = "invalid";
    public const string Required = "required";
    public const string InvalidCredentials = "invalid_credentials";
    public const string OutOfScopePermission = "out_of_scope_permission";
    public const string ProductNotAssignedToChannel = "product_not_assigned_to_channel";
    public const string EmailNotSet = "email_not_set";
    public const string BillingAddressNotSet = "billing_address_not_set";
    public const string ShippingMethodNotSet = "shipping_method_not_set";
}

public static class SaleorErrorExtensions
{
    internal const string FieldErrorsKey = "saleor_errors";
    internal const string OperationKey = "operation";
    internal const string PermissionsKey = "required_permissions";

    /// <summary>The mutation's business errors behind this error (empty for transport or GraphQL errors).</summary>
    public static IReadOnlyList<SaleorFieldError> SaleorErrors(this Error error) =>
        error.Details.TryGetValue(FieldErrorsKey, out var v) && v is IReadOnlyList<SaleorFieldError> list ? list : [];

    /// <summary>True when Saleor reported <paramref name="saleorCode"/> (e.g. <c>INSUFFICIENT_STOCK</c>) for any field.</summary>
    public static bool HasSaleorCode(this Error error, string saleorCode) =>
        error.SaleorErrors().Any(e => string.Equals(e.Code, saleorCode, StringComparison.OrdinalIgnoreCase));

    /// <summary>The permissions Saleor named in a PermissionDenied error (one of them is needed).</summary>
    public static IReadOnlyList<string> RequiredPermissions(this Error error) =>
        error.Details.TryGetValue(PermissionsKey, out var v) && v is IReadOnlyList<string> list ? list : [];

    /// <summary>The operation that failed, when the error came from the Saleor client.</summary>
    public static string? SaleorOperation(this Error error) =>
        error.Details.TryGetValue(OperationKey, out var v) ? v as string : null;

    /// <summary>How a business code maps onto CMP's error kinds; callers still switch on the code itself.</summary>
    internal static ErrorKind KindOf(string saleorCode) => saleorCode.ToUpperInvariant() switch
    {
        "NOT_FOUND" => ErrorKind.NotFound,
        "UNIQUE" or "ALREADY_EXISTS" or "DUPLICATED_INPUT_ITEM" or "INSUFFICIENT_STOCK" or "CHECKOUT_NOT_FULLY_PAID" => ErrorKind.Conflict,
        "OUT_OF_SCOPE_PERMISSION" or "OUT_OF_SCOPE_APP" or "OUT_OF_SCOPE_USER" or "OUT_OF_SCOPE_GROUP" => ErrorKind.Forbidden,
        "INVALID_CREDENTIALS" or "INACTIVE" => ErrorKind.Unauthorized,
        _ => ErrorKind.Validation,
    };
}
