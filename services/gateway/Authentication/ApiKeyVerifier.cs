using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Callers;

namespace Platform.Gateway.Authentication;

/// <summary>An operator key that matched: who it belongs to, its role and its workspaces (null: all); no id for a configured key.</summary>
internal sealed record OperatorKey(string Name, string Role, IReadOnlyList<string>? Workspaces, Guid? Id = null);

/// <summary>Finds the operator a key belongs to by comparing its SHA-256 with every configured hash.</summary>
internal sealed class ApiKeyVerifier(IOptionsMonitor<GatewayOptions> gateway)
{
    public Task<OperatorKey?> FindAsync(string presented, CancellationToken cancellationToken) =>
        Task.FromResult(FindConfigured(presented));

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
