using System.Globalization;
using Quartz;

namespace Platform.SyncOrchestrator.Domain.Schedules;

/// <summary>
/// Cron as operators write it (5 fields, crontab: minute hour day-of-month month day-of-week, Sunday = 0 or 7) or
/// in Quartz syntax (6–7 fields, seconds first), read into the canonical Quartz form and evaluated in the
/// schedule's time zone.
/// </summary>
internal static class CronSchedule
{
    /// <summary>Named schedules an operator can ask for instead of a cron.</summary>
    public static readonly IReadOnlyDictionary<string, string> Presets = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["daily"] = "0 9 * * *",
        ["every-6-hours"] = "0 */6 * * *",
    };

    /// <summary>The Quartz expression for <paramref name="cron"/>, or why it is not a usable schedule.</summary>
    public static (string? Quartz, string? Error) Normalize(string cron)
    {
        ArgumentNullException.ThrowIfNull(cron);
        var fields = cron.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var format = fields.Length switch
        {
            5 => CronFormat.Unix,
            6 or 7 => CronFormat.Quartz,
            _ => (CronFormat?)null,
        };
        if (format is null)
        {
            return (null, $"A cron has 5 fields (minute hour day-of-month month day-of-week, e.g. \"0 9 * * *\") or 6–7 in Quartz syntax (seconds first); '{cron}' has {fields.Length}.");
        }
        if (format == CronFormat.Quartz && (!int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var second) || second > 59))
        {
            return (null, $"The seconds field (the first of a Quartz cron) must be one number from 0 to 59: a schedule fires at most once a minute. Got '{fields[0]}'.");
        }
        CronExpression expression;
        try
        {
            expression = CronExpression.Parse(string.Join(' ', fields), format.Value);
        }
        catch (FormatException ex)
        {
            return (null, $"'{cron}' is not a valid cron: {ex.Message}");
        }
        if (expression.WithTimeZone(TimeZoneInfo.Utc).GetNextValidTimeAfter(DateTimeOffset.UtcNow) is null)
        {
            return (null, $"'{cron}' never fires again.");
        }
        return (expression.CronExpressionString, null);
    }

    /// <summary>The first slot strictly after <paramref name="after"/>, in UTC; null when there is none.</summary>
    public static DateTimeOffset? NextAfter(string quartz, TimeZoneInfo timeZone, DateTimeOffset after) =>
        new CronExpression(quartz, timeZone).GetNextValidTimeAfter(after)?.ToUniversalTime();

    /// <summary>The zone with this IANA (or Windows) id, or null.</summary>
    public static TimeZoneInfo? FindTimeZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }
}
