using System.Globalization;
using System.Text;

namespace Platform.SourceSimulator.Domain.People;

/// <summary>
/// How a source spells a person's identifiers: the same email in another case, the same phone in another format,
/// a name without accents or in capitals, a CPF with or without punctuation, now and then another email altogether or
/// a placeholder (<c>teste@teste.com</c>) typed by someone in a hurry. Each choice is a pure function of a hash.
/// </summary>
internal static class Spelling
{
    /// <summary>The placeholder email people type into forms; identity resolution must block it, not link on it.</summary>
    public const string PlaceholderEmail = "teste@teste.com";

    public static string Name(string name, ulong hash) => (hash % 100) switch
    {
        < 70 => name,
        < 85 => RemoveDiacritics(name),
        < 95 => name.ToUpperInvariant(),
        _ => name.ToLowerInvariant(),
    };

    /// <summary>The person's email as a source holds it; <paramref name="placeholderShare"/> of records get the placeholder.</summary>
    public static string Email(Person person, ulong hash, double placeholderShare = 0)
    {
        var unit = Det.Unit(hash);
        if (unit < placeholderShare)
        {
            return PlaceholderEmail;
        }
        return (Det.Mix(hash) % 100) switch
        {
            < 78 => person.Email,
            < 90 => CapitalizeEmail(person.Email),
            _ => person.AltEmail,
        };
    }

    /// <summary>Formats 10 or 11 phone digits (DDD + number) in one of the ways Brazilians write them.</summary>
    public static string Phone(string digits, int style)
    {
        var ddd = digits[..2];
        var number = digits[2..];
        var split = number.Length - 4;
        var local = $"{number[..split]}-{number[split..]}";
        return (style % 7) switch
        {
            0 => $"({ddd}) {local}",
            1 => $"+55 {ddd} {local}",
            2 => digits,
            3 => $"+55{digits}",
            4 => $"({ddd}){local}",
            5 => $"{ddd} {local}",
            _ => $"0{ddd} {number[..split]} {number[split..]}",
        };
    }

    public static string Cpf(string cpf, bool formatted) => formatted ? BrazilianDocuments.FormatCpf(cpf) : cpf;

    public static string RemoveDiacritics(string value)
    {
        var normalized = value.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(normalized.Length);
        foreach (var c in normalized)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(c);
            }
        }
        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>Lower case ASCII letters only: "João Miguel" → "joaomiguel".</summary>
    public static string Slug(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in RemoveDiacritics(value).ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z')
            {
                builder.Append(c);
            }
        }
        return builder.Length == 0 ? "cliente" : builder.ToString();
    }

    /// <summary>"joao.silva12@gmail.com" → "Joao.Silva12@Gmail.com": the same mailbox, a different string.</summary>
    private static string CapitalizeEmail(string email)
    {
        var chars = email.ToCharArray();
        var capitalizeNext = true;
        for (var i = 0; i < chars.Length; i++)
        {
            if (capitalizeNext && char.IsLetter(chars[i]))
            {
                chars[i] = char.ToUpperInvariant(chars[i]);
            }
            capitalizeNext = chars[i] is '.' or '_' or '@';
        }
        return new string(chars);
    }
}
