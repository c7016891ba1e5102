using Cmp.Gateway.Domain;
using Cmp.Gateway.Infrastructure.Data.EntityConfigurations;
using Npgsql;
using NpgsqlTypes;

namespace Cmp.Gateway.Infrastructure.Data;

/// <summary>
/// The writes every run makes (its record when it starts, its outcome when it ends, or both at once in a batch when it
/// is recorded only at the end), as plain prepared Npgsql
/// statements: they sit on the request path, where EF's change tracking and SQL generation cost more than the
/// statement itself. Column for column what <see cref="RunConfiguration"/> maps (the run tests read every column back
/// through EF).
/// </summary>
public sealed class RunWrites : IAsyncDisposable
{
    const string Columns = """
        id, tenant_id, instance_id, caller_kind, caller_id, status, stream, session_id, reservation_id, credits_reserved, credits_charged,
        input_tokens, output_tokens, latency_ms, error_code, settlement, settlement_attempts, next_settlement_at, settlement_error,
        balance_after, idempotency_key, request_hash, outcome, correlation_id, created_at, completed_at, settled_at, lease_id
        """;

    // $1 … $n, one per column (Bind adds the parameters in the same order).
    static readonly string Values = string.Join(", ", Enumerable.Range(1, Columns.Split(',').Length).Select(i => "$" + i));

    static readonly string Insert = $"INSERT INTO runs.runs ({Columns}) VALUES ({Values})";

    static readonly string Update = $"UPDATE runs.runs SET ({Columns}) = ({Values}) WHERE id = $1";

    readonly NpgsqlDataSource _source;

    public RunWrites(string connectionString)
    {
        // Statements used over and over are prepared on each pooled connection after a few uses.
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 16;
        _source = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public Task InsertAsync(RunRecord run, CancellationToken ct) => ExecuteAsync(Insert, run, expectRow: false, ct);

    /// <summary>Inserts many records in one round trip and one transaction (all or none).</summary>
    public async Task InsertManyAsync(IReadOnlyList<RunRecord> runs, CancellationToken ct)
    {
        await using var connection = await _source.OpenConnectionAsync(ct);
        await using var batch = connection.CreateBatch();
        foreach (var run in runs)
        {
            var command = new NpgsqlBatchCommand(Insert);
            Bind(command.Parameters, run);
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Writes every column; false when the row does not exist.</summary>
    public Task UpdateAsync(RunRecord run, CancellationToken ct) => ExecuteAsync(Update, run, expectRow: true, ct);

    async Task ExecuteAsync(string sql, RunRecord r, bool expectRow, CancellationToken ct)
    {
        await using var command = _source.CreateCommand(sql);
        Bind(command.Parameters, r);
        var rows = await command.ExecuteNonQueryAsync(ct);
        if (expectRow && rows == 0) throw new InvalidOperationException($"Run {r.Id} has no record to update.");
    }

    static void Bind(NpgsqlParameterCollection p, RunRecord r)
    {
        p.Add(new NpgsqlParameter<Guid> { TypedValue = r.Id });
        p.Add(new NpgsqlParameter<Guid> { TypedValue = r.TenantId });
        p.Add(new NpgsqlParameter<Guid> { TypedValue = r.InstanceId });
        p.Add(new NpgsqlParameter<string> { TypedValue = SnakeCaseEnum<CallerKind>.Name(r.CallerKind) });
        p.Add(new NpgsqlParameter<string> { TypedValue = r.CallerId });
        p.Add(new NpgsqlParameter<string> { TypedValue = SnakeCaseEnum<RunStatus>.Name(r.Status) });
        p.Add(new NpgsqlParameter<bool> { TypedValue = r.Stream });
        p.Add(Text(r.SessionId));
        p.Add(Value(r.ReservationId, NpgsqlDbType.Uuid));
        p.Add(new NpgsqlParameter<long> { TypedValue = r.CreditsReserved });
        p.Add(new NpgsqlParameter<long> { TypedValue = r.CreditsCharged });
        p.Add(new NpgsqlParameter<long> { TypedValue = r.InputTokens });
        p.Add(new NpgsqlParameter<long> { TypedValue = r.OutputTokens });
        p.Add(Value(r.LatencyMs, NpgsqlDbType.Bigint));
        p.Add(Text(r.ErrorCode));
        p.Add(new NpgsqlParameter<string> { TypedValue = SnakeCaseEnum<SettlementState>.Name(r.Settlement) });
        p.Add(new NpgsqlParameter<int> { TypedValue = r.SettlementAttempts });
        p.Add(Value(r.NextSettlementAt, NpgsqlDbType.TimestampTz));
        p.Add(Text(r.SettlementError));
        p.Add(Value(r.BalanceAfter, NpgsqlDbType.Bigint));
        p.Add(Text(r.IdempotencyKey));
        p.Add(Text(r.RequestHash));
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = (object?)r.Outcome ?? DBNull.Value });
        p.Add(Text(r.CorrelationId));
        p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = r.CreatedAt });
        p.Add(Value(r.CompletedAt, NpgsqlDbType.TimestampTz));
        p.Add(Value(r.SettledAt, NpgsqlDbType.TimestampTz));
        p.Add(Value(r.LeaseId, NpgsqlDbType.Uuid));
    }

    static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Varchar, Value = (object?)value ?? DBNull.Value };

    static NpgsqlParameter Value<T>(T? value, NpgsqlDbType type) where T : struct =>
        new() { NpgsqlDbType = type, Value = value.HasValue ? value.Value : DBNull.Value };

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
