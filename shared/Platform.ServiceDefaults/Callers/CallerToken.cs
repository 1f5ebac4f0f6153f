using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.ServiceDefaults.Callers;

/// <summary>
/// The gateway-to-service credential: <c>v1.&lt;payload&gt;.&lt;signature&gt;</c>, the payload the base64url JSON of
/// the caller's name, role, workspaces and expiry, the signature its HMAC-SHA256 under the shared key
/// <c>Platform:InternalAuth:Key</c>. Short-lived, so a token seen in a log or a capture is soon worthless.
/// </summary>
public static class CallerToken
{
    private const string Version = "v1";

    private sealed record Payload(
        [property: JsonPropertyName("sub")] string Name,
        [property: JsonPropertyName("role")] string Role,
        [property: JsonPropertyName("ws")] IReadOnlyList<string>? Workspaces,
        [property: JsonPropertyName("exp")] long ExpiresAt);

    public static string Sign(PlatformCaller caller, string key)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var payload = JsonSerializer.SerializeToUtf8Bytes(
            new Payload(caller.Name, caller.Role, caller.Workspaces, caller.ExpiresAt.ToUnixTimeSeconds()));
        var signed = $"{Version}.{Base64Url.EncodeToString(payload)}";
        return $"{signed}.{Base64Url.EncodeToString(Mac(signed, key))}";
    }

    /// <summary>The caller the token vouches for, or null (with the reason) when it is malformed, forged or expired.</summary>
    public static PlatformCaller? Verify(string? token, string key, DateTimeOffset now, out string? reason)
    {
        reason = null;
        var parts = token?.Split('.');
        if (parts is not { Length: 3 } || parts[0] != Version)
        {
            reason = "malformed";
            return null;
        }
        byte[] signature;
        Payload? payload;
        try
        {
            signature = Base64Url.DecodeFromChars(parts[2]);
            if (!CryptographicOperations.FixedTimeEquals(signature, Mac($"{parts[0]}.{parts[1]}", key)))
            {
                reason = "bad signature";
                return null;
            }
            payload = JsonSerializer.Deserialize<Payload>(Base64Url.DecodeFromChars(parts[1]));
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            reason = "malformed";
            return null;
        }
        if (payload is null || string.IsNullOrEmpty(payload.Name) || !CallerRoles.IsKnown(payload.Role))
        {
            reason = "malformed";
            return null;
        }
        var expires = DateTimeOffset.FromUnixTimeSeconds(payload.ExpiresAt);
        if (expires < now)
        {
            reason = "expired";
            return null;
        }
        return new PlatformCaller(payload.Name, payload.Role, payload.Workspaces, expires);
    }

    private static byte[] Mac(string signed, string key) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(signed));
}
