using System.Text;

namespace Platform.ServiceDefaults.Privacy;

/// <summary>
/// One PostgreSQL regular expression (for <c>~*</c>) that finds a person's emails, phones, documents and client ids in
/// any text, in every way they are written: <c>+55 (11) 98765-4321</c>, <c>011 98765 4321</c> and <c>11987654321</c>
/// alike, a CPF with or without its punctuation, an email in any case. Each value is bounded so that it does not match
/// inside a longer one (<c>ana@x.com</c> is not found in <c>joana@x.com</c>).
/// </summary>
public static class PersonalDataPattern
{
    private const string PhoneGap = "[^0-9a-zA-Z]{0,3}";
    private const string DocumentGap = "[-./ ]?";

    /// <summary>The pattern, or null when the subject names nothing searchable.</summary>
    public static string? For(PrivacySubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var parts = new List<string>();
        foreach (var email in subject.ValuesOf("email").Select(e => SuppressionKey.Normalise("email", e)).OfType<string>().Distinct())
        {
            parts.Add($"(^|[^a-z0-9._%+-]){Escape(email)}($|[^a-z0-9.-]|[.]($|[^a-z0-9]))");
        }
        foreach (var national in subject.ValuesOf("phone").Select(SuppressionKey.NationalDigits).OfType<string>().Distinct())
        {
            parts.Add(Phone(national));
            if (national.Length == 11 && national[2] == '9')
            {
                parts.Add(Phone(national[..2] + national[3..])); // the same mobile written before the ninth digit
            }
        }
        foreach (var document in subject.ValuesOf("cpf", "cnpj").Select(d => SuppressionKey.Normalise("cpf", d)).OfType<string>().Distinct())
        {
            parts.Add($"(^|[^0-9]){Interleave(document, DocumentGap)}($|[^0-9])");
        }
        foreach (var client in subject.ClientIds.Distinct())
        {
            parts.Add(client.ToString("D"));
        }
        return parts.Count == 0 ? null : string.Join('|', parts.Select(p => $"({p})"));
    }

    private static string Phone(string national) => $"(^|[^0-9])(55{PhoneGap}|0)?{Interleave(national, PhoneGap)}($|[^0-9])";

    private static string Interleave(string digits, string gap)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < digits.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(gap);
            }
            builder.Append(digits[i]);
        }
        return builder.ToString();
    }

    private static string Escape(string literal)
    {
        var builder = new StringBuilder(literal.Length * 2);
        foreach (var c in literal)
        {
            if (char.IsAsciiLetterOrDigit(c) || c == '@' || c == '_' || c == '%' || c == '-')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('[').Append(c == '\\' || c == ']' || c == '^' ? "\\" + c : c.ToString()).Append(']');
            }
        }
        return builder.ToString();
    }
}
