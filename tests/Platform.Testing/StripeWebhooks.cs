using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Platform.Testing;

/// <summary>Builds Stripe events from the vendor samples and signs them the way Stripe does.</summary>
public static class StripeWebhooks
{
    /// <summary>A Stripe event envelope around a sample object (<c>tests/vendor-samples/stripe/{sample}.json</c>).</summary>
    public static string Event(string type, string sample, Action<JsonObject>? edit = null, string? eventId = null, DateTimeOffset? created = null)
    {
        var obj = JsonNode.Parse(File.ReadAllText(Path.Combine(TestEnvironment.VendorSamples, "stripe", sample + ".json")))!.AsObject();
        edit?.Invoke(obj);
        var envelope = new JsonObject
        {
            ["id"] = eventId ?? $"evt_{Guid.NewGuid():N}",
            ["object"] = "event",
            ["api_version"] = "2024-06-20",
            ["created"] = (created ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(),
            ["data"] = new JsonObject { ["object"] = obj },
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["type"] = type,
        };
        return envelope.ToJsonString();
    }

    /// <summary>The <c>Stripe-Signature</c> header value for <paramref name="body"/>.</summary>
    public static string Sign(string body, string secret, DateTimeOffset? at = null)
    {
        var t = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }
}
