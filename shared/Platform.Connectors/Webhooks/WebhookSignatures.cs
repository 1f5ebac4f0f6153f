using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Platform.Connectors.Webhooks;

/// <summary>HMAC, RSA and constant-time checks shared by the sources' signature schemes.</summary>
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

    /// <summary>
    /// Verifies a base64 RSA PKCS#1 v1.5 SHA-256 signature over <paramref name="payload"/> (GoHighLevel's
    /// <c>x-wh-signature</c> over the raw body; PayPal's transmission signature over its message).
    /// <paramref name="publicKey"/> is a PEM (<c>-----BEGIN PUBLIC KEY-----</c>, <c>RSA PUBLIC KEY</c> or a
    /// certificate) or the bare base64 of a SubjectPublicKeyInfo. False, never an exception, for a malformed
    /// signature; <see cref="ArgumentException"/> for a key that cannot be read (a configuration error).
    /// </summary>
    public static bool VerifyRsaSha256(string publicKey, ReadOnlySpan<byte> payload, string? signatureBase64)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(publicKey);
        if (string.IsNullOrWhiteSpace(signatureBase64))
        {
            return false;
        }
        var signature = new byte[signatureBase64.Length];
        if (!Convert.TryFromBase64String(signatureBase64.Trim(), signature, out var length))
        {
            return false;
        }
        using var rsa = ReadRsaPublicKey(publicKey);
        return rsa.VerifyData(payload, signature.AsSpan(0, length), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    /// <summary>Reads an RSA public key from a PEM (key or certificate) or bare base64 SubjectPublicKeyInfo.</summary>
    public static RSA ReadRsaPublicKey(string publicKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(publicKey);
        var text = publicKey.Trim().Replace("\\n", "\n", StringComparison.Ordinal);
        try
        {
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                using var certificate = X509Certificate2.CreateFromPem(text);
                return certificate.GetRSAPublicKey() ?? throw new ArgumentException("The certificate does not hold an RSA key.", nameof(publicKey));
            }
            var rsa = RSA.Create();
            if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                rsa.ImportFromPem(text);
            }
            else
            {
                rsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(string.Concat(text.Where(c => !char.IsWhiteSpace(c)))), out _);
            }
            return rsa;
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentException($"The public key cannot be read as an RSA key: {ex.Message}", nameof(publicKey), ex);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"The public key is neither a PEM nor base64: {ex.Message}", nameof(publicKey), ex);
        }
    }
}
