using Platform.Contracts.Records;

namespace Platform.IdentityResolution.Domain.Normalisation;

/// <summary>
/// An identifier value as logs may show it: enough to tell values apart while reading a log, never enough to
/// contact or identify the person (emails, phones and documents are personal data).
/// </summary>
internal static class IdentifierMask
{
    public static string Mask(string kind, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (kind == IdentifierKinds.Email)
        {
            var at = value.IndexOf('@', StringComparison.Ordinal);
            return at > 0 ? $"{value[0]}***@{Tail(value[(at + 1)..], 4)}" : Stars(value);
        }
        // Phones, documents and ids: only the last two characters.
        return value.Length <= 4 ? "***" : $"***{value[^2..]}";
    }

    private static string Tail(string text, int keep) => text.Length <= keep ? "***" : $"***{text[^keep..]}";

    private static string Stars(string value) => value.Length == 0 ? "" : "***";
}
