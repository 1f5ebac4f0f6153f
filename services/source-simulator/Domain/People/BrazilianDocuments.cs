using System.Globalization;

namespace Platform.SourceSimulator.Domain.People;

/// <summary>CPF and CNPJ numbers with correct check digits (Receita Federal's modulo-11 rules).</summary>
internal static class BrazilianDocuments
{
    /// <summary>A CPF (11 digits) from 9 base digits.</summary>
    public static string Cpf(long base9)
    {
        var digits = (base9 % 1_000_000_000).ToString("D9", CultureInfo.InvariantCulture);
        if (digits.Distinct().Count() == 1)
        {
            // 111.111.111-11 and the like pass the check-digit test but are not valid CPFs.
            digits = ((base9 + 1) % 1_000_000_000).ToString("D9", CultureInfo.InvariantCulture);
        }
        var first = CpfDigit(digits, 10);
        var second = CpfDigit(digits + first, 11);
        return $"{digits}{first}{second}";
    }

    /// <summary>A CNPJ (14 digits) from an 8-digit root and a 4-digit branch (0001 for the head office).</summary>
    public static string Cnpj(long root8, int branch = 1)
    {
        var digits = (root8 % 100_000_000).ToString("D8", CultureInfo.InvariantCulture) + branch.ToString("D4", CultureInfo.InvariantCulture);
        var first = CnpjDigit(digits, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
        var second = CnpjDigit(digits + first, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
        return $"{digits}{first}{second}";
    }

    public static string FormatCpf(string cpf) => $"{cpf[..3]}.{cpf[3..6]}.{cpf[6..9]}-{cpf[9..]}";

    public static string FormatCnpj(string cnpj) => $"{cnpj[..2]}.{cnpj[2..5]}.{cnpj[5..8]}/{cnpj[8..12]}-{cnpj[12..]}";

    private static int CpfDigit(string digits, int weight)
    {
        var sum = 0;
        foreach (var c in digits)
        {
            sum += (c - '0') * weight--;
        }
        var rest = sum % 11;
        return rest < 2 ? 0 : 11 - rest;
    }

    private static int CnpjDigit(string digits, int[] weights)
    {
        var sum = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += (digits[i] - '0') * weights[i];
        }
        var rest = sum % 11;
        return rest < 2 ? 0 : 11 - rest;
    }
}
