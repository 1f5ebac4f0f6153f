using System.Data;
using Platform.IdentityResolution.Persistence;

namespace Platform.IdentityResolution.Domain.Resolution;

internal sealed partial class IdentityResolver
{
    /// <summary>
    /// Why two records of a workspace are in the same client (the chain of shared values or decisions that
    /// links them), or why not; null when either record is not in the workspace. Read-only: the component is
    /// partitioned again from one consistent snapshot.
    /// </summary>
    public async Task<(Explanation Explanation, IReadOnlyDictionary<long, ComponentRecord> Records)?> ExplainAsync(
        string workspaceId, long recordA, long recordB, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var store = new ResolutionStore(connection, transaction);
        await using (var check = store.NewCommand("select count(*) from records where workspace_id = @w and id = any(@ids)"))
        {
            check.Parameters.AddWithValue("w", workspaceId);
            check.Parameters.AddWithValue("ids", new[] { recordA, recordB }.Distinct().ToArray());
            if ((long)(await check.ExecuteScalarAsync(cancellationToken))! != (recordA == recordB ? 1 : 2))
            {
                return null;
            }
        }
        var rules = defaults.RulesFor(await store.LoadSettingsJsonAsync(workspaceId, cancellationToken));
        var ids = await store.WalkComponentAsync([recordA], cancellationToken);
        if (!ids.Contains(recordB))
        {
            ids = [.. ids, recordB];
        }
        var (loaded, decisions) = await store.LoadComponentAsync(ids, cancellationToken);
        var records = loaded.Select(r => r.ToPartitionRecord()).ToList();
        var partition = ComponentPartitioner.Partition(records, decisions, rules);
        await transaction.CommitAsync(cancellationToken);
        return (Explainer.Explain(partition, records, recordA, recordB), loaded.ToDictionary(r => r.Id));
    }
}
