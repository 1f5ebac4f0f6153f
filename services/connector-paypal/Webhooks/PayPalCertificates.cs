using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Platform.Connectors.Backfill;

namespace Platform.Connectors.PayPal.Webhooks;

/// <summary><c>Connectors:PayPal:Webhooks</c>: where signing certificates may come from.</summary>
public sealed class PayPalWebhookOptions
{
    public const string Section = "Connectors:PayPal:Webhooks";

    /// <summary>PayPal's own certificate hosts (live and sandbox), always allowed, over https only.</summary>
    public static readonly IReadOnlyList<string> PayPalHosts = ["api.paypal.com", "api.sandbox.paypal.com"];

    /// <summary>
    /// More hosts a PAYPAL-CERT-URL may name (<c>host</c> or <c>host:port</c>, comma-separated): the source simulator's,
    /// in tests and demos. These may be plain http (the simulator speaks http).
    /// </summary>
    public string? CertificateHosts { get; set; }

    /// <summary>How long a downloaded certificate is kept (by URL) before it is fetched again.</summary>
    public TimeSpan CertificateCacheLifetime { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>
/// PayPal's webhook signing certificates, downloaded from PAYPAL-CERT-URL only when its host is PayPal's (or one
/// configured for the simulator), kept by URL, and used only inside their validity dates. A URL on any other host is
/// never fetched: whoever sends the delivery chooses that URL, and a certificate of the sender's own would
/// "verify" anything it signs.
/// </summary>
public sealed class PayPalCertificates(IHttpClientFactory httpClients, PayPalWebhookOptions options, TimeProvider clock) : IDisposable
{
    public const string HttpClientName = "paypal-certificates";

    /// <summary>Largest certificate download accepted (a PEM chain is a few KB).</summary>
    private const int MaxBytes = 64 * 1024;

    private readonly ConcurrentDictionary<string, (X509Certificate2 Certificate, DateTimeOffset FetchedAt)> _cache = new(StringComparer.Ordinal);

    /// <summary>Why <paramref name="certUrl"/> may not be fetched, or null when its host is allowed.</summary>
    public string? Refusal(string certUrl)
    {
        if (!Uri.TryCreate(certUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return "PAYPAL-CERT-URL is not an absolute http(s) address.";
        }
        var payPal = PayPalHosts().Contains(uri.IdnHost, StringComparer.OrdinalIgnoreCase) && uri.IsDefaultPort;
        if (payPal)
        {
            return uri.Scheme == "https" ? null : "PAYPAL-CERT-URL must use https.";
        }
        var configured = ConfiguredHosts().Any(h => string.Equals(h, uri.IdnHost, StringComparison.OrdinalIgnoreCase)
            || string.Equals(h, uri.Authority, StringComparison.OrdinalIgnoreCase));
        return configured ? null : $"PAYPAL-CERT-URL names host '{uri.Host}', which is not PayPal's ({string.Join(", ", PayPalHosts())}).";
    }

    /// <summary>
    /// The certificate at <paramref name="certUrl"/> (check <see cref="Refusal"/> first), from the cache or downloaded;
    /// or why what the URL answered is not a certificate. PayPal out of reach throws (the delivery is answered 503).
    /// </summary>
    public async Task<(X509Certificate2? Certificate, string? Refusal)> GetAsync(string certUrl, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(certUrl, out var cached) && clock.GetUtcNow() - cached.FetchedAt < options.CertificateCacheLifetime)
        {
            return (cached.Certificate, null);
        }
        using var http = httpClients.CreateClient(HttpClientName);
        string pem;
        try
        {
            using var response = await http.GetAsync(new Uri(certUrl), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new SourceException("source_unavailable", $"PayPal's signing certificate could not be downloaded ({(int)response.StatusCode}).");
            }
            if (response.Content.Headers.ContentLength > MaxBytes)
            {
                return (null, "PAYPAL-CERT-URL answered something larger than any certificate.");
            }
            pem = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new SourceException("source_unavailable", $"PayPal's signing certificate could not be downloaded: {ex.Message}", ex);
        }
        X509Certificate2 certificate;
        try
        {
            // The first certificate of the PEM is the signing one (PayPal serves it before its chain).
            certificate = X509Certificate2.CreateFromPem(pem.Length > MaxBytes ? pem[..MaxBytes] : pem);
        }
        catch (CryptographicException ex)
        {
            return (null, $"PAYPAL-CERT-URL did not answer a PEM certificate ({ex.Message}).");
        }
        if (_cache.TryGetValue(certUrl, out var previous))
        {
            previous.Certificate.Dispose();
        }
        _cache[certUrl] = (certificate, clock.GetUtcNow());
        return (certificate, null);
    }

    /// <summary>Why the certificate may not be used now (outside its validity dates), or null.</summary>
    public string? DatesRefusal(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var now = clock.GetUtcNow();
        return now < certificate.NotBefore.ToUniversalTime() ? $"The signing certificate is not valid before {certificate.NotBefore.ToUniversalTime():u}."
            : now > certificate.NotAfter.ToUniversalTime() ? $"The signing certificate expired on {certificate.NotAfter.ToUniversalTime():u}."
            : null;
    }

    /// <summary>PayPal's signed message: <c>transmissionId|transmissionTime|webhookId|crc32(raw body)</c>, the CRC as an unsigned decimal.</summary>
    public static string Message(string transmissionId, string transmissionTime, string webhookId, ReadOnlySpan<byte> rawBody) =>
        $"{transmissionId}|{transmissionTime}|{webhookId}|{Crc32(rawBody).ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Whether <paramref name="signature"/> (base64) is the certificate's RSA SHA-256 signature of <paramref name="message"/>.</summary>
    public static bool Verify(X509Certificate2 certificate, string message, string signature)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(signature.Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        using var rsa = certificate.GetRSAPublicKey();
        return rsa is not null && rsa.VerifyData(Encoding.UTF8.GetBytes(message), bytes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    /// <summary>CRC-32 (IEEE 802.3, the zlib one PayPal uses).</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }

    public void Dispose()
    {
        foreach (var (certificate, _) in _cache.Values)
        {
            certificate.Dispose();
        }
    }

    private static IReadOnlyList<string> PayPalHosts() => PayPalWebhookOptions.PayPalHosts;

    private string[] ConfiguredHosts() =>
        (options.CertificateHosts ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
