namespace Platform.ServiceDefaults.Privacy;

/// <summary>
/// An identifier value as logs may show it: enough to tell values apart while reading a log, never enough to
/// contact or identify the person (emails, phones and documents are personal data).
/// </summary>
public static class PersonalDataMask
{
    public static string Mask(string kind, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        if (kind == "email")
        {
            var at = value.IndexOf('@', StringComparison.Ordinal);
            return at > 0 ? $"{value[0]}***@{Tail(value[(at + 1)..], 4)}" : "***";
        }
        // Phones, documents and ids: only the last two characters.
        return value.Length <= 4 ? "***" : $"***{value[^2..]}";
    }

    /// <summary>An email as logs may show it.</summary>
    public static string Email(string? value) => Mask("email", value);

    private static string Tail(string text, int keep) => text.Length <= keep ? "***" : $"***{text[^keep..]}";
}
