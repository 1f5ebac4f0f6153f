namespace Platform.SourceSimulator.Tests.Support;

/// <summary>The Receita Federal check-digit rules, written again here so the test does not trust the code it checks.</summary>
public static class BrazilianDocumentRules
{
    public static string Digits(string value) => new([.. value.Where(char.IsAsciiDigit)]);

    public static bool IsValidCpf(string value)
    {
        var d = Digits(value);
        if (d.Length != 11 || d.Distinct().Count() == 1)
        {
            return false;
        }
        for (var check = 9; check <= 10; check++)
        {
            var sum = 0;
            for (var i = 0; i < check; i++)
            {
                sum += (d[i] - '0') * (check + 1 - i);
            }
            var digit = sum * 10 % 11 % 10;
            if (digit != d[check] - '0')
            {
                return false;
            }
        }
        return true;
    }

    public static bool IsValidCnpj(string value)
    {
        var d = Digits(value);
        if (d.Length != 14 || d.Distinct().Count() == 1)
        {
            return false;
        }
        int[] first = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
        int[] second = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
        return Check(d, first, 12) && Check(d, second, 13);

        static bool Check(string d, int[] weights, int position)
        {
            var sum = 0;
            for (var i = 0; i < weights.Length; i++)
            {
                sum += (d[i] - '0') * weights[i];
            }
            var rest = sum % 11;
            return (rest < 2 ? 0 : 11 - rest) == d[position] - '0';
        }
    }

    /// <summary>A Brazilian phone as its 10 or 11 national digits (DDD + number), whatever the spelling.</summary>
    public static string NationalPhone(string value)
    {
        var d = Digits(value);
        if (d.Length is 12 or 13 && d.StartsWith("55", StringComparison.Ordinal))
        {
            d = d[2..];
        }
        if (d.Length is 11 or 12 && d[0] == '0')
        {
            d = d[1..];
        }
        return d;
    }
}
