namespace Cmp.Primitives;

/// <summary>
/// What kind of failure an <see cref="Error"/> is. Transport layers map kinds to HTTP statuses (problem+json),
/// workers map them to retry (Transient) or acknowledge (Permanent, NoOp). The mapping lives in one place per transport.
/// </summary>
public enum ErrorKind
{
    /// <summary>The input is malformed or breaks a rule; retrying the same input fails again.</summary>
    Validation,
    /// <summary>No or bad credentials.</summary>
    Unauthorized,
    /// <summary>Authenticated, but not allowed.</summary>
    Forbidden,
    /// <summary>The resource does not exist, or the caller may not know it exists.</summary>
    NotFound,
    /// <summary>The request conflicts with the current state (wrong status, reused key with another body, …).</summary>
    Conflict,
    /// <summary>Not enough credits or funds.</summary>
    PaymentRequired,
    /// <summary>Over a rate limit; retry later.</summary>
    RateLimited,
    /// <summary>A dependency failed in a way that may pass: retry with backoff.</summary>
    Transient,
    /// <summary>A dependency answered with an error that will not pass by retrying.</summary>
    Upstream,
    /// <summary>A dependency did not answer in time.</summary>
    Timeout,
    /// <summary>Configuration or a bug: needs a human.</summary>
    Permanent,
    /// <summary>Nothing to do; acknowledge and move on.</summary>
    NoOp,
}
