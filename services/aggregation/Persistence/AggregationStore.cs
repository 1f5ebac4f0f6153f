using System.Data;
using Npgsql;
using NpgsqlTypes;

namespace Platform.Aggregation.Persistence;

/// <summary>
/// The write path's SQL. One instance is one transaction holding the workspace's advisory lock, so everything
/// a batch reads and writes in the workspace is serialised across every instance of the service. Statements are
/// set-based over per-transaction temp tables (<c>agg_in</c>: the batch's records; <c>agg_keys</c>: one row per
/// record key; <c>agg_moved</c>: records that changed client; <c>agg_clients</c>: every client to recompute) and
/// are sent together (one round trip per step, whatever the batch size).
/// </summary>
internal sealed partial class AggregationStore : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly SemaphoreSlim _gate;

    private AggregationStore(string workspaceId, NpgsqlConnection connection, NpgsqlTransaction transaction, SemaphoreSlim gate)
    {
        WorkspaceId = workspaceId;
        _connection = connection;
        _transaction = transaction;
        _gate = gate;
    }

    public string WorkspaceId { get; }

    /// <summary>The outbox batch of events written by this transaction.</summary>
    public Guid BatchId { get; } = Guid.NewGuid();

    /// <summary>The batch tables, created once on every physical connection (see <c>AddPlatformDatabase</c>'s sessionSetup).</summary>
    public static string TempTablesSql => string.Join(";\n", TempTables);

    private static readonly string[] TempTables =
    [
        """
        create temp table if not exists agg_in (
            ordinal int primary key, source text not null, entity_type text not null, external_id text not null,
            client_id uuid not null, client_version bigint not null, raw_record_id bigint not null,
            source_updated_at timestamptz not null, correlation_id uuid not null, attributes jsonb not null, tags text[] not null,
            is_customer boolean not null, plan text, plan_rank int not null, sgt_extras jsonb,
            kind text, base_status text, source_status text, amount numeric(18,2), currency text,
            own_refunded numeric(18,2), own_disputed numeric(18,2), adjustment_amount numeric(18,2), occurred_at timestamptz,
            product text, parent_ref text, payment_ref text, invoice_ref text, cover_rank smallint, record jsonb not null,
            activity_type text not null, activity_title text not null, activity_status text, activity_amount numeric(18,2),
            activity_currency text, activity_occurred_at timestamptz not null, activity_dedupe text not null,
            resolved_client uuid, stale boolean not null default false
        ) on commit delete rows
        """,
        """
        create temp table if not exists agg_keys (
            source text not null, entity_type text not null, external_id text not null, data_ordinal int not null,
            client_id uuid, client_stale boolean not null, client_version bigint not null, correlation_id uuid not null,
            primary key (source, external_id, entity_type)
        ) on commit delete rows
        """,
        """
        create temp table if not exists agg_moved (
            source text not null, entity_type text not null, external_id text not null, old_client uuid, new_client uuid,
            primary key (source, external_id, entity_type)
        ) on commit delete rows
        """,
        """
        create temp table if not exists agg_clients (
            client_id uuid primary key, correlation_id uuid, sgt_synced boolean not null default false, has_records boolean
        ) on commit delete rows
        """,
        """
        create temp table if not exists agg_settle (id bigint primary key) on commit delete rows
        """,
    ];

    /// <summary>
    /// Waits for this instance's <paramref name="gate"/> of the workspace (held until the store is disposed: other
    /// batches of the workspace wait in memory, not on the advisory lock holding a connection each), then opens the
    /// transaction and takes the workspace lock (every connection of <paramref name="dataSource"/> has the temp tables:
    /// <see cref="TempTablesSql"/>).
    /// </summary>
    public static async Task<AggregationStore> BeginAsync(NpgsqlDataSource dataSource, string workspaceId, SemaphoreSlim gate,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(gate);
        await gate.WaitAsync(cancellationToken);
        NpgsqlConnection? connection = null;
        try
        {
            connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            var store = new AggregationStore(workspaceId, connection, transaction, gate);
            await using var batch = store.Batch(
                // JIT would compile the recompute statements (their estimated cost is high) on every batch: ~200 ms each
                // for queries that run in a few milliseconds.
                [("set local jit = off", []),
                 ("select pg_advisory_xact_lock(hashtextextended(@key, 0))", [("key", LockKey(workspaceId))])]);
            await batch.ExecuteNonQueryAsync(cancellationToken);
            return store;
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
            gate.Release();
            throw;
        }
    }

    /// <summary>The advisory lock that serialises all aggregation work of a workspace, across instances.</summary>
    public static string LockKey(string workspaceId) => "aggregation:" + workspaceId;

    public Task CommitAsync(CancellationToken cancellationToken) => _transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _transaction.DisposeAsync();
            await _connection.DisposeAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Statements sent in one round trip, each with its own parameters (<c>@w</c> is always the workspace).</summary>
    private NpgsqlBatch Batch(params (string Sql, (string Name, object? Value)[] Parameters)[] statements)
    {
        var batch = new NpgsqlBatch(_connection, _transaction);
        foreach (var (sql, parameters) in statements)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddWithValue("w", WorkspaceId);
            foreach (var (name, value) in parameters)
            {
                command.Parameters.Add(Parameter(name, value));
            }
            batch.BatchCommands.Add(command);
        }
        return batch;
    }

    internal static NpgsqlParameter Parameter(string name, object? value) => value switch
    {
        null => new NpgsqlParameter(name, DBNull.Value),
        Guid[] ids => new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids },
        Guid?[] ids => new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids },
        string[] texts => new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = texts },
        decimal[] numbers => new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Numeric) { Value = numbers },
        _ => new NpgsqlParameter(name, value),
    };
}
