using Cmp.Primitives;

namespace Cmp.Saleor.Client;

/// <summary>
/// A small typed client for Saleor's GraphQL API. It stands in for GraphQL.Client / StrawberryShake, which do not
/// restore here: operations are the embedded <c>.graphql</c> files (looked up by name), results are System.Text.Json
/// records, and every failure is an <see cref="Error"/> value (see <see cref="SaleorErrorCodes"/>).
/// </summary>
public interface ISaleorClient
{
    /// <summary>The GraphQL endpoint this client talks to.</summary>
    Uri ApiUrl { get; }

    /// <summary>
    /// Runs the operation called <paramref name="operationName"/> and returns its <c>data</c> as <typeparamref name="T"/>.
    /// Queries are retried on transient failures; mutations are sent once. A mutation whose payload carries
    /// <c>errors { field message code }</c> fails with the first code (lower-cased) and the full list attached.
    /// </summary>
    Task<Result<T>> ExecuteAsync<T>(string operationName, object? variables = null, CancellationToken ct = default);

    /// <summary>The same client with another bearer token (a staff JWT while installing, another app's token), or
    /// none (anonymous) when <paramref name="bearerToken"/> is null.</summary>
    ISaleorClient WithToken(string? bearerToken);
}
