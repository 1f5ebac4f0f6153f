using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Platform.Connectors.GoHighLevel.Mapping;
using Platform.Connectors.GoHighLevel.Streams;
using Platform.Connectors.Staging;
using Platform.Connectors.Webhooks;

namespace Platform.Connectors.GoHighLevel.Webhooks;

/// <summary>
/// HighLevel webhooks: <c>x-wh-signature</c> is a base64 RSA (PKCS#1 v1.5) SHA-256 signature over the raw body, checked
/// against HighLevel's published public key (<c>Connectors:GoHighLevel:WebhookPublicKeys</c>: base64 SPKI or PEM, several
/// during a key rotation); the body's <c>timestamp</c> must be within 5 minutes; <c>webhookId</c> is the event id
/// (deduplicated by the SDK); the body's <c>locationId</c> must be the workspace's location. HighLevel sends every
/// location's deliveries to one app URL, so the receiver also locates the workspace from the body
/// (<c>POST /webhooks/gohighlevel</c>): the one workspace whose <c>LocationIds</c> (or <c>LocationId</c>) lists that location; a location no
/// workspace (or several) lists is refused like a bad signature.
/// </summary>
public sealed class GhlWebhookReceiver(IConfiguration configuration) : IWebhookReceiver, IWebhookWorkspaceLocator
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>HighLevel's published webhook key (docs/oauth/WebhookAuthentication.md), the default until rotated.</summary>
    public const string PublishedPublicKey =
        "MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAokvo/r9tVgcfZ5DysOSCFrm602qYV0MaAiNnX9O8KxMbiyRKWeL9JpCpVpt4XHIcBOK4u3cLSqJGOLaPuXw6" +
        "dO0t6Q/ZVdAV5Phz+ZtzPL16iCGeK9po6D6JHBpbi989mmzMryUnQJezlYJ3DVfBcsedpinheNnyYeFXolrJvcsjDtfAeRx5ByHQmTnSdFUzuAnC9/GepgLT9SM4nCpv" +
        "uxmZMxrJt5Rw+VUaQ9B8JSvbMPpez4peKaJPZHBbU3OdeCVx5klVXXZQGNHOs8gF3kvoV5rTnXV0IknLBXlcKKAQLZcY/Q9rG6Ifi9c+5vqlvHPCUJFT5XUGG5RKgOKU" +
        "J062fRtN+rLYZUV+BjafxQauvC8wSWeYja63VSUruvmNj8xkx2zE/Juc+yjLjTXpIocmaiFeAO6fUtNjDeFVkhf5LNb59vECyrHD2SQIrhgXpO4Q3dVNA5rw576PwTzN" +
        "h/AMfHKIjE4xQA1SZuYJmNnmVZLIZBlQAF9Ntd03rfadZ+yDiOXCCs9FkHibELhCHULgCsnuDJHcrGNd5/Ddm5hxGQ0ASitgHeMZ0kcIOwKDOzOU53lDza6/Y09T7sYJ" +
        "PQe7z0cvj7aE4B+Ax1ZoZGPzpJlZtGXCsu9aTEGEnKzmsFqwcSsnw3JB31IGKAykT1hhTiaCeIY/OwwwNUY2yvcCAwEAAQ==";

    /// <summary>The credentials fields naming a workspace's locations (the spec's <c>LocationIds</c>, or one <c>LocationId</c>).</summary>
    public IReadOnlyList<string> AccountFields { get; } = ["LocationIds", "LocationId"];

    public string? AccountOf(ReadOnlyMemory<byte> body, IHeaderDictionary headers)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? GhlMapping.LocationOf(document.RootElement) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public WebhookVerdict Verify(WebhookRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var signature = request.Headers["x-wh-signature"].ToString();
        if (string.IsNullOrEmpty(signature))
        {
            return WebhookVerdict.Refuse("The x-wh-signature header is missing.");
        }
        byte[] signatureBytes;
        try
        {
            signatureBytes = Convert.FromBase64String(signature.Trim());
        }
        catch (FormatException)
        {
            return WebhookVerdict.Refuse("The x-wh-signature header is not base64.");
        }
        var keys = PublicKeys(configuration);
        if (keys.Count == 0)
        {
            return WebhookVerdict.Refuse("No GoHighLevel webhook public key is configured (Connectors:GoHighLevel:WebhookPublicKeys).");
        }
        var verified = false;
        foreach (var key in keys)
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(key, out _);
            verified |= rsa.VerifyData(request.Body.Span, signatureBytes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        if (!verified)
        {
            return WebhookVerdict.Refuse("x-wh-signature does not verify against HighLevel's public key: the body was changed or not signed by HighLevel.");
        }

        try
        {
            using var document = JsonDocument.Parse(request.Body);
            var root = document.RootElement;
            var webhookId = root.TryGetProperty("webhookId", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
            var stamp = root.TryGetProperty("timestamp", out var stampElement) && stampElement.ValueKind == JsonValueKind.String ? stampElement.GetString() : null;
            if (string.IsNullOrEmpty(webhookId) || stamp is null
                || !DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt))
            {
                return WebhookVerdict.Refuse("The signed body has no \"webhookId\" or no ISO \"timestamp\".");
            }
            if ((request.ReceivedAt - signedAt).Duration() > Tolerance)
            {
                return WebhookVerdict.Refuse($"The body's timestamp {signedAt:O} is outside the {Tolerance.TotalMinutes:0} minutes tolerance (a replay or a wrong clock).");
            }
            var location = GhlMapping.LocationOf(root);
            if (location is null || !AccountFields.Any(field => ConnectorCredentials.Lists(request.Credentials, field, location)))
            {
                return WebhookVerdict.Refuse($"The delivery is for location '{location}', which is not a location of workspace '{request.WorkspaceId}'.");
            }
            return WebhookVerdict.Accept(webhookId, GhlMapping.TypeOf(root) ?? "unknown");
        }
        catch (JsonException ex)
        {
            return WebhookVerdict.Refuse($"The signed body is not JSON: {ex.Message}");
        }
    }

    public ValueTask<IReadOnlyList<StagedRecordInput>> MapAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var document = JsonDocument.Parse(request.Body);
        var root = document.RootElement;
        DateTimeOffset? changedAt = root.TryGetProperty("timestamp", out var stamp) && stamp.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(stamp.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        var record = GhlMapping.Webhook(root, GhlAccount.CurrencyOf(request.Credentials), changedAt);
        IReadOnlyList<StagedRecordInput> records = record is null
            ? []
            : [new StagedRecordInput(GhlMapping.StreamOf(record.EntityType), request.BodyText, record)];
        return ValueTask.FromResult(records);
    }

    /// <summary>The configured public keys (base64 SPKI DER or PEM, separated by commas or semicolons).</summary>
    public static IReadOnlyList<byte[]> PublicKeys(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration["Connectors:GoHighLevel:WebhookPublicKeys"];
        var text = string.IsNullOrWhiteSpace(configured) ? PublishedPublicKey : configured;
        var keys = new List<byte[]>();
        foreach (var part in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var base64 = string.Concat(part.Replace("-----BEGIN PUBLIC KEY-----", "", StringComparison.Ordinal)
                .Replace("-----END PUBLIC KEY-----", "", StringComparison.Ordinal).Where(c => !char.IsWhiteSpace(c)));
            try
            {
                keys.Add(Convert.FromBase64String(base64));
            }
            catch (FormatException)
            {
                throw new InvalidOperationException("Connectors:GoHighLevel:WebhookPublicKeys holds a key that is not base64 SPKI or PEM.");
            }
        }
        return keys;
    }
}
