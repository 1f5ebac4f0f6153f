namespace Platform.Connectors;

/// <summary>
/// Persists what a connector must keep for a workspace (a rotated OAuth refresh token) where the workspace's settings
/// live, so the next call, another replica and the next start read it.
/// </summary>
public interface ISourceSecretWriter
{
    /// <summary>
    /// Stores <paramref name="value"/> as <paramref name="field"/> (the configuration key, <c>RefreshToken</c>) of the
    /// workspace's settings for this connector's source. Only fields the source's spec marks connector-writable are
    /// accepted. Visible through <see cref="ConnectorCredentials"/> as soon as this returns.
    /// </summary>
    Task WriteAsync(string workspaceId, string field, string value, CancellationToken ct);
}
