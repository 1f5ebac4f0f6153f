using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.Authentication;

/// <summary>Finds the operator a key belongs to by comparing its SHA-256 with every configured hash.</summary>
internal sealed class ApiKeyVerifier(IOptionsMonitor<GatewayOptions> gateway)
{
    public string? FindKeyName(string presented)
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
        return match;
    }
}
