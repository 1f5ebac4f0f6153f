using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Sources;
using Platform.SyncOrchestrator.Persistence;
using Platform.SyncOrchestrator.Persistence.Entities;

namespace Platform.SyncOrchestrator.Domain.Connections;

/// <summary>
/// Workspaces and their connected sources. Secrets are a JSON object protected with Data Protection under a purpose
/// that names the workspace and source, so a protected value copied to another row does not decrypt.
/// </summary>
internal sealed class ConnectionStore(OrchestratorDbContext db, IDataProtectionProvider protection, TimeProvider clock)
{
    private const string Purpose = "Platform.SyncOrchestrator.SourceSecrets.v1";

    private IDataProtector Protector(string workspaceId, string source) => protection.CreateProtector(Purpose, workspaceId, source);

    public Task<Workspace?> FindWorkspaceAsync(string workspaceId, CancellationToken cancellationToken) =>
        db.Workspaces.AsNoTracking().FirstOrDefaultAsync(w => w.Id == workspaceId, cancellationToken);

    /// <summary>Creates or renames a workspace; true when it was created.</summary>
    public async Task<(Workspace Workspace, bool Created)> PutWorkspaceAsync(string workspaceId, string name, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var workspace = await db.Workspaces.FirstOrDefaultAsync(w => w.Id == workspaceId, cancellationToken);
        var created = workspace is null;
        if (workspace is null)
        {
            workspace = new Workspace { Id = workspaceId, CreatedAt = now };
            db.Workspaces.Add(workspace);
        }
        workspace.Name = name;
        workspace.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return (workspace, created);
    }

    public Task<SourceConnection?> FindConnectionAsync(string workspaceId, string source, CancellationToken cancellationToken) =>
        db.SourceConnections.AsNoTracking().FirstOrDefaultAsync(c => c.WorkspaceId == workspaceId && c.Source == source, cancellationToken);

    public IReadOnlyDictionary<string, string> Secrets(SourceConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.ProtectedSecrets.Length == 0)
        {
            return new Dictionary<string, string>();
        }
        var json = Protector(connection.WorkspaceId, connection.Source).Unprotect(connection.ProtectedSecrets);
        return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
    }

    public static IReadOnlyDictionary<string, string> Plain(SourceConnection connection) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(connection.Settings) ?? [];

    /// <summary>Saves a source's settings (replacing what was there); true when it was created.</summary>
    public async Task<(SourceConnection Connection, bool Created)> PutConnectionAsync(string workspaceId, string source, SourceSettings settings,
        string origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var now = clock.GetUtcNow();
        var connection = await db.SourceConnections.FirstOrDefaultAsync(c => c.WorkspaceId == workspaceId && c.Source == source, cancellationToken);
        var created = connection is null;
        if (connection is null)
        {
            connection = new SourceConnection { WorkspaceId = workspaceId, Source = source, CreatedAt = now, Origin = origin };
            db.SourceConnections.Add(connection);
        }
        Apply(connection, settings, now);
        await db.SaveChangesAsync(cancellationToken);
        return (connection, created);
    }

    /// <summary>Sets one secret (a connector's write-back); false when the source is not connected for the workspace.</summary>
    public async Task<bool> WriteSecretAsync(string workspaceId, string source, string field, string value, CancellationToken cancellationToken)
    {
        var connection = await db.SourceConnections.FirstOrDefaultAsync(c => c.WorkspaceId == workspaceId && c.Source == source, cancellationToken);
        if (connection is null)
        {
            return false;
        }
        var secrets = new Dictionary<string, string>(Secrets(connection)) { [field] = value };
        Apply(connection, new SourceSettings(Plain(connection), secrets), clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Every workspace's settings of one source, keyed by configuration key (<c>ApiKey</c>), secrets decrypted:
    /// what the connector loads into <c>Connectors:{Source}:Workspaces:{workspace}:*</c>.
    /// </summary>
    public async Task<Dictionary<string, Dictionary<string, string>>> ForConnectorAsync(SourceSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var connections = await db.SourceConnections.AsNoTracking().Where(c => c.Source == spec.Source)
            .OrderBy(c => c.WorkspaceId).ToListAsync(cancellationToken);
        var result = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var connection in connections)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in Plain(connection).Concat(Secrets(connection)))
            {
                if (spec.Field(name) is { } field)
                {
                    values[field.ConfigKey] = value;
                }
            }
            result[connection.WorkspaceId] = values;
        }
        return result;
    }

    private void Apply(SourceConnection connection, SourceSettings settings, DateTimeOffset now)
    {
        connection.Settings = JsonSerializer.Serialize(settings.Plain.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary());
        connection.ProtectedSecrets = settings.Secrets.Count == 0 ? ""
            : Protector(connection.WorkspaceId, connection.Source).Protect(JsonSerializer.Serialize(settings.Secrets));
        connection.SecretsSet = [.. settings.Secrets.Keys.Order(StringComparer.Ordinal)];
        connection.UpdatedAt = now;
    }
}
