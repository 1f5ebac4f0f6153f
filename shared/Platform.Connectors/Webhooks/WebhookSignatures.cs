using System.Security.Cryptography;
using System.Text;

namespace Platform.Connectors.Webhooks;

/// <summary>HMAC and constant-time comparisons shared by the sources' signature schemes.</summary>
public static class WebhookSignatures
{
    /// <summary>Lower-case hex HMAC-SHA256 of <paramref name="payload"/> under <paramref name="secret"/>.</summary>
    public static string HmacSha256Hex(string secret, ReadOnlySpan<byte> payload) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload));

    /// <summary>Compares two strings in time independent of where they differ.</summary>
    public static bool FixedTimeEquals(string? expected, string? presented)
    {
        if (expected is null || presented is null)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));
    }
}
