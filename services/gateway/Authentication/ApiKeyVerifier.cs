using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Platform.Gateway.Keys;
using Platform.ServiceDefaults.Callers;

namespace Platform.Gateway.Authentication;

/// <summary>An operator key that matched: who it belongs to, its role and its workspaces (null: all); no id for a configured key.</summary>
internal sealed record OperatorKey(string Name, string Role, IReadOnlyList<string>? Workspaces, Guid? Id = null);

/// <summary>
/// Finds the operator a key belongs to: a stored key (<c>pk_…</c>, created with <c>POST /api/admin/keys</c>) by its row,
/// any other by comparing its SHA-256 with every configured hash (the bootstrap admin keys).
/// </summary>
internal sealed class ApiKeyVerifier(IOptionsMonitor<GatewayOptions> gateway, OperatorKeyStore? stored = null)
{
    public async Task<OperatorKey?> FindAsync(string presented, CancellationToken cancellationToken) =>
        stored is not null && OperatorKeyStore.LooksStored(presented)
            ? await stored.VerifyAsync(presented, cancellationToken)
            : FindConfigured(presented);

    /// <summary>A key from configuration (<c>Gateway:ApiKeys</c>): the bootstrap admin, every workspace.</summary>
    private OperatorKey? FindConfigured(string presented)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), hash);
        string? match = null;
        // Every configured key is compared, so the time taken does not tell which one (if any) matched.
        foreach (var key in gateway.CurrentValue.ApiKeys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, Convert.FromHexString(key.Sha256)))
            {
                match ??= key.Name;
            }
        }
        return match is null ? null : new OperatorKey(match, CallerRoles.Admin, null);
    }
}
