using PhoneNumbers;

namespace Platform.IdentityResolution.Domain.Normalisation;

/// <summary>
/// Phones to E.164. Brazilian numbers in any usual spelling: with or without +55 or 55, a trunk 0 with or
/// without a two-digit carrier code (<c>0 21 11 98765-4321</c>, <c>015 11 …</c>), masks
/// (<c>(11) 98765-4321</c>, <c>+55 (11) 9 8765-4321</c>), and mobiles written without the ninth digit
/// (an 8-digit number starting with 6–9 gets the 9 added). Other countries only when written with a
/// leading <c>+</c> or the international prefix <c>00</c> (without either a number cannot be placed), and only
/// when libphonenumber calls the number valid for that country: <c>+11 98765-4321</c> is no number anywhere
/// (guessing São Paulo would also turn a mistyped foreign number into a Brazilian one).
/// </summary>
internal static class PhoneNormaliser
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>The area codes (DDD) Anatel assigns; any other two digits are not a Brazilian area.</summary>
    private static readonly HashSet<int> AreaCodes =
    [
        11, 12, 13, 14, 15, 16, 17, 18, 19,
        21, 22, 24, 27, 28,
        31, 32, 33, 34, 35, 37, 38,
        41, 42, 43, 44, 45, 46, 47, 48, 49,
        51, 53, 54, 55,
        61, 62, 63, 64, 65, 66, 67, 68, 69,
        71, 73, 74, 75, 77, 79,
        81, 82, 83, 84, 85, 86, 87, 88, 89,
        91, 92, 93, 94, 95, 96, 97, 98, 99,
    ];

    /// <summary>The E.164 form (<c>+5511987654321</c>), or null when the number cannot be placed.</summary>
    public static string? Normalise(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }
        var text = raw.Trim();
        // Words ("ramal 22", "WhatsApp") mean the value is not just a number; digits alone would mislead.
        if (text.Any(char.IsLetter))
        {
            return null;
        }
        var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
        if (text.StartsWith('+'))
        {
            if (digits.StartsWith("55", StringComparison.Ordinal))
            {
                return Brazilian(digits[2..]);
            }
            return International(digits);
        }
        // 00 is the international prefix: a Brazilian trunk 0 is followed by an area code or a carrier code,
        // and neither starts with 0.
        if (digits.StartsWith("00", StringComparison.Ordinal))
        {
            return digits.StartsWith("0055", StringComparison.Ordinal) ? Brazilian(digits[4..]) : International(digits[2..]);
        }
        if (digits.Length is 12 or 13 && digits.StartsWith("55", StringComparison.Ordinal))
        {
            return Brazilian(digits[2..]);
        }
        return Brazilian(digits);
    }

    /// <summary>
    /// A number after the country code: area code and subscriber, optionally behind the trunk prefix 0
    /// and a carrier code.
    /// </summary>
    private static string? Brazilian(string national)
    {
        if (national.StartsWith('0'))
        {
            var rest = national[1..];
            national = rest.Length switch
            {
                10 or 11 => rest,
                // 0 + carrier (two digits) + area + subscriber.
                12 or 13 => rest[2..],
                _ => "",
            };
        }
        if (national.Length is not (10 or 11))
        {
            return null;
        }
        var area = (national[0] - '0') * 10 + (national[1] - '0');
        if (!AreaCodes.Contains(area))
        {
            return null;
        }
        var subscriber = national[2..];
        if (subscriber.Length == 9)
        {
            // Nine digits are mobiles only, and every mobile starts with the ninth digit 9.
            return subscriber[0] == '9' ? $"+55{area}{subscriber}" : null;
        }
        return subscriber[0] switch
        {
            >= '6' and <= '9' => $"+55{area}9{subscriber}",
            >= '2' and <= '5' => $"+55{area}{subscriber}",
            _ => null,
        };
    }

    /// <summary>Country code and number (digits after <c>+</c>) in E.164 when libphonenumber calls it valid; else null.</summary>
    private static string? International(string digits)
    {
        if (digits.Length is < 8 or > 15 || digits[0] == '0')
        {
            return null;
        }
        try
        {
            var number = Util.Parse("+" + digits, null);
            return Util.IsValidNumber(number) ? Util.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}
