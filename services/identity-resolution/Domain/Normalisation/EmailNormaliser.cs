namespace Platform.IdentityResolution.Domain.Normalisation;

/// <summary>Emails trimmed and lower-cased, kept only when they have the basic shape of an address.</summary>
internal static class EmailNormaliser
{
    private static readonly System.Buffers.SearchValues<char> Forbidden = System.Buffers.SearchValues.Create(" \t\r\n,;:<>()[]\\\"'");

    /// <summary>The comparable address, or null when <paramref name="raw"/> cannot be an address.</summary>
    public static string? Normalise(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }
        var email = raw.Trim().ToLowerInvariant();
        if (email.StartsWith("mailto:", StringComparison.Ordinal))
        {
            email = email["mailto:".Length..];
        }
        if (email.Length > 254 || email.AsSpan().IndexOfAny(Forbidden) >= 0)
        {
            return null;
        }
        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != email.LastIndexOf('@') || at > 64)
        {
            return null;
        }
        var local = email[..at];
        var domain = email[(at + 1)..];
        if (local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }
        var labels = domain.Split('.');
        if (labels.Length < 2 || labels.Any(l => l.Length == 0 || l.StartsWith('-') || l.EndsWith('-')) || labels[^1].Length < 2)
        {
            return null;
        }
        return email;
    }
}
