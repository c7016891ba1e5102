using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Cmp.Data;

public static class PostgresErrors
{
    /// <summary>True when the insert lost a race on a unique index: the idempotent path then reads the winner's row.</summary>
    public static bool IsUniqueViolation(this Exception e, string? constraint = null) =>
        (e as PostgresException ?? e.InnerException as PostgresException) is { SqlState: PostgresErrorCodes.UniqueViolation } pg
        && (constraint is null || pg.ConstraintName == constraint);

    /// <summary>Serialization failures and deadlocks are safe to retry as a whole transaction.</summary>
    public static bool IsRetryableConflict(this Exception e) =>
        (e as PostgresException ?? e.InnerException as PostgresException) is
        { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    public static bool IsConcurrencyConflict(this Exception e) => e is DbUpdateConcurrencyException;
}
