using Platform.Contracts.Records;

namespace Platform.IdentityResolution.Domain.Normalisation;

/// <summary>
/// Brazilian tax documents: CPF (11 digits) and CNPJ (14 characters: numeric, or the alphanumeric form the
/// Receita Federal issues from July 2026), reduced to their characters with both check digits validated.
/// The kind a source gave is only a hint: a valid CNPJ sent as "cpf" is a CNPJ.
/// </summary>
internal static class DocumentNormaliser
{
    private static readonly int[] CnpjFirstWeights = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    private static readonly int[] CnpjSecondWeights = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

    /// <summary>The document's kind and compact value, or null when it is not a valid CPF or CNPJ.</summary>
    public static NormalisedIdentifier? Normalise(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }
        var compact = new string(raw.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
        if (compact.Length == 0 || raw.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '/' or ' ')))
        {
            return null;
        }
        var numeric = compact.All(char.IsAsciiDigit);
        // Spreadsheets drop leading zeros ("00123456789" becomes 123456789); the check digits still decide.
        if (numeric && compact.Length is 9 or 10)
        {
            compact = compact.PadLeft(11, '0');
        }
        else if (numeric && compact.Length is 12 or 13)
        {
            compact = compact.PadLeft(14, '0');
        }
        if (numeric && IsValidCpf(compact))
        {
            return new NormalisedIdentifier(IdentifierKinds.Cpf, compact);
        }
        return IsValidCnpj(compact) ? new NormalisedIdentifier(IdentifierKinds.Cnpj, compact) : null;
    }

    public static bool IsValidCpf(string digits)
    {
        if (digits.Length != 11 || !digits.All(char.IsAsciiDigit) || AllSame(digits))
        {
            return false;
        }
        return CpfCheckDigit(digits, 9) == digits[9] - '0' && CpfCheckDigit(digits, 10) == digits[10] - '0';
    }

    public static bool IsValidCnpj(string value)
    {
        if (value.Length != 14 || !value[..12].All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c))
            || !value[12..].All(char.IsAsciiDigit) || AllSame(value))
        {
            return false;
        }
        return CnpjCheckDigit(value, CnpjFirstWeights) == value[12] - '0' && CnpjCheckDigit(value, CnpjSecondWeights) == value[13] - '0';
    }

    private static int CpfCheckDigit(string digits, int length)
    {
        var sum = 0;
        for (var i = 0; i < length; i++)
        {
            sum += (digits[i] - '0') * (length + 1 - i);
        }
        return sum * 10 % 11 % 10;
    }

    /// <summary>Each character counts as its code minus 48 ('0'–'9' are 0–9, 'A' is 17): the alphanumeric rule, which numeric CNPJs also follow.</summary>
    private static int CnpjCheckDigit(string value, int[] weights)
    {
        var sum = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += (value[i] - '0') * weights[i];
        }
        var remainder = sum % 11;
        return remainder < 2 ? 0 : 11 - remainder;
    }

    private static bool AllSame(string value) => value.All(c => c == value[0]);
}
