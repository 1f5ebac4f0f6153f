using System.Globalization;

namespace Platform.Connectors.Files;

/// <summary>
/// Values as Brazilian and Latin American spreadsheets write them: <c>1.234,56</c> and <c>1234.56</c>, currency
/// symbols, Excel serial dates and datetimes (<c>46057,56185</c>), <c>dd/mm/yyyy [hh:mm[:ss]]</c> and ISO 8601.
/// Times without an offset are the workspace's local time.
/// </summary>
public static class CsvValues
{
    /// <summary>Excel's day zero (the 1900 system, with its 1900 leap-year bug folded in).</summary>
    private static readonly DateTime ExcelEpoch = new(1899, 12, 30, 0, 0, 0, DateTimeKind.Unspecified);

    private static readonly string[] DayFirstFormats =
    [
        "d/M/yyyy", "d/M/yyyy H:mm", "d/M/yyyy H:mm:ss", "d-M-yyyy", "d-M-yyyy H:mm", "d-M-yyyy H:mm:ss",
        "d.M.yyyy", "d.M.yyyy H:mm", "d.M.yyyy H:mm:ss", "d/M/yyyy HH'h'mm",
    ];

    private static readonly string[] IsoLocalFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy/MM/dd", "yyyy/MM/dd HH:mm:ss",
    ];

    /// <summary>
    /// Parses an amount. With both <c>.</c> and <c>,</c> the last one is the decimal mark; a lone <c>,</c> is
    /// the decimal mark; a lone <c>.</c> is the decimal mark unless it groups thousands (<c>1.234</c> in a
    /// file that writes decimal commas, or several dots).
    /// </summary>
    public static bool TryParseDecimal(string? text, bool decimalComma, out decimal value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var s = text.Trim().Replace("R$", "", StringComparison.OrdinalIgnoreCase).Replace("US$", "", StringComparison.OrdinalIgnoreCase)
            .Replace("$", "", StringComparison.Ordinal).Replace("\u00A0", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        var negative = false;
        if (s.StartsWith('(') && s.EndsWith(')'))
        {
            negative = true;
            s = s[1..^1];
        }
        if (s.StartsWith('-'))
        {
            negative = !negative;
            s = s[1..];
        }
        if (s.Length == 0)
        {
            return false;
        }
        var lastComma = s.LastIndexOf(',');
        var lastDot = s.LastIndexOf('.');
        string normalized;
        if (lastComma >= 0 && lastDot >= 0)
        {
            normalized = lastComma > lastDot
                ? s.Replace(".", "", StringComparison.Ordinal).Replace(',', '.')
                : s.Replace(",", "", StringComparison.Ordinal);
        }
        else if (lastComma >= 0)
        {
            normalized = s.IndexOf(',') != lastComma
                ? s.Replace(",", "", StringComparison.Ordinal)   // 1,234,567
                : s.Replace(',', '.');
        }
        else if (lastDot >= 0)
        {
            var groups = s.IndexOf('.') != lastDot || (decimalComma && s.Length - lastDot - 1 == 3);
            normalized = groups ? s.Replace(".", "", StringComparison.Ordinal) : s;
        }
        else
        {
            normalized = s;
        }
        foreach (var c in normalized)
        {
            if (!char.IsAsciiDigit(c) && c != '.')
            {
                return false;
            }
        }
        if (!decimal.TryParse(normalized, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }
        if (negative)
        {
            value = -value;
        }
        return true;
    }

    /// <summary>Parses a date or datetime; local times are in <paramref name="zone"/>.</summary>
    public static bool TryParseDateTime(string? text, TimeZoneInfo zone, out DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(zone);
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var s = text.Trim();
        if (IsExcelSerial(s, out var days))
        {
            value = Local(ExcelEpoch.AddTicks((long)Math.Round(days * TimeSpan.TicksPerDay / TimeSpan.TicksPerSecond) * TimeSpan.TicksPerSecond), zone);
            return true;
        }
        if (DateTime.TryParseExact(s, DayFirstFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dayFirst))
        {
            value = Local(dayFirst, zone);
            return true;
        }
        if (DateTime.TryParseExact(s, IsoLocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var isoLocal))
        {
            value = Local(isoLocal, zone);
            return true;
        }
        if (s.Length >= 16 && char.IsAsciiDigit(s[0]) && s[4] == '-'
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
        {
            value = withOffset;
            return true;
        }
        return false;
    }

    /// <summary>A positive number of days after 1899-12-30 (with a fraction for the time), written with <c>,</c> or <c>.</c>.</summary>
    private static bool IsExcelSerial(string s, out double days)
    {
        days = 0;
        var integerDigits = 0;
        var i = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            integerDigits++;
            i++;
        }
        if (integerDigits is < 1 or > 6)
        {
            return false;
        }
        if (i < s.Length)
        {
            if (s[i] is not (',' or '.') || i == s.Length - 1)
            {
                return false;
            }
            for (var j = i + 1; j < s.Length; j++)
            {
                if (!char.IsAsciiDigit(s[j]))
                {
                    return false;
                }
            }
        }
        days = double.Parse(s.Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        // 1 = 1900-01-01 … 2958465 = 9999-12-31; plain small integers are not dates.
        return days is >= 1 and <= 2_958_465;
    }

    private static DateTimeOffset Local(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified));
    }

    /// <summary><c>sim/não</c>, <c>sí/no</c>, <c>yes/no</c>, <c>true/false</c>, <c>1/0</c>, <c>x</c>.</summary>
    public static bool? ParseBoolean(string? text)
    {
        var s = text?.Trim().ToLowerInvariant();
        return s switch
        {
            null or "" => null,
            "sim" or "s" or "sí" or "si" or "yes" or "y" or "true" or "verdadeiro" or "1" or "x" or "opt-in" or "optin" => true,
            "não" or "nao" or "n" or "no" or "false" or "falso" or "0" or "opt-out" or "optout" => false,
            _ => null,
        };
    }

    /// <summary>The zone of <paramref name="id"/>, or UTC−3 (Brazil since 2019) when the machine lacks tz data.</summary>
    public static TimeZoneInfo Zone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.CreateCustomTimeZone(id, TimeSpan.FromHours(-3), id, id);
        }
    }
}
