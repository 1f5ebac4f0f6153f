using System.Security.Cryptography;
using System.Text;

namespace Platform.ServiceDefaults.Privacy;

/// <summary>
/// How an identifier becomes a suppression-list entry: normalised the same way wherever it is computed (the gateway
/// when a person is erased, the connector SDK when a record arrives), then HMAC-SHA256 with the workspace's salt. The
/// list never holds the value itself.
/// </summary>
public static class SuppressionKey
{
    /// <summary>The identifier as compared: emails lower-case, phones as their Brazilian national digits, documents as digits.</summary>
    public static string? Normalise(string kind, string? value)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var text = value.Trim();
        switch (kind)
        {
            case "email":
                text = text.ToLowerInvariant();
                if (text.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    text = text["mailto:".Length..];
                }
                return text.Contains('@', StringComparison.Ordinal) ? text : null;
            case "phone":
                return NationalDigits(text);
            case "cpf" or "cnpj" or "document":
                var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
                return digits.Length >= 11 ? digits : null;
            default:
                return text;
        }
    }

    /// <summary>The hash (lower-case hex) of one identifier, or null when the value is not usable.</summary>
    public static string? Hash(byte[] salt, string kind, string? value)
    {
        ArgumentNullException.ThrowIfNull(salt);
        if (Normalise(kind, value) is not { } normalised)
        {
            return null;
        }
        var family = kind is "cpf" or "cnpj" ? "document" : kind;
        return Convert.ToHexStringLower(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes($"{family}:{normalised}")));
    }

    /// <summary>A phone's national digits (area code and number): <c>+55 (11) 98765-4321</c>, <c>011 98765 4321</c> and <c>11987654321</c> agree.</summary>
    public static string? NationalDigits(string phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        var digits = new string(phone.Where(char.IsAsciiDigit).ToArray());
        if (digits.StartsWith("0055", StringComparison.Ordinal))
        {
            digits = digits[4..];
        }
        else if (phone.TrimStart().StartsWith('+') && digits.StartsWith("55", StringComparison.Ordinal))
        {
            digits = digits[2..];
        }
        else if (digits.Length is 12 or 13 && digits.StartsWith("55", StringComparison.Ordinal))
        {
            digits = digits[2..];
        }
        if (digits.StartsWith('0') && digits.Length is 11 or 12)
        {
            digits = digits[1..];
        }
        return digits.Length >= 8 ? digits : null;
    }
}
