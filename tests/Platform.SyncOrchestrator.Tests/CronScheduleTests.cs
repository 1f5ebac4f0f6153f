using Platform.SyncOrchestrator.Domain.Schedules;

namespace Platform.SyncOrchestrator.Tests;

public sealed class CronScheduleTests
{
    private static readonly TimeZoneInfo SaoPaulo = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");

    [Theory]
    [InlineData("0 9 * * *", "0 0 9 * * ?")]
    [InlineData("0 */6 * * *", "0 0 */6 * * ?")]
    [InlineData("30 7 * * 1-5", "0 30 7 ? * MON-FRI")]
    [InlineData("0 9 15 * *", "0 0 9 15 * ?")]
    [InlineData("0 0 12 ? * SUN", "0 0 12 ? * SUN")]
    public void A_crontab_or_quartz_cron_is_kept_in_quartz_form(string cron, string quartz)
    {
        var (normalized, error) = CronSchedule.Normalize(cron);

        Assert.Null(error);
        Assert.Equal(quartz, normalized);
    }

    [Theory]
    [InlineData("0 9 * * 0")]
    [InlineData("0 9 * * 7")]
    [InlineData("0 9 * * SUN")]
    public void Sunday_is_0_or_7_in_a_crontab_and_the_next_run_lands_on_a_sunday_at_9_in_Sao_Paulo(string cron)
    {
        var (quartz, error) = CronSchedule.Normalize(cron);
        Assert.Null(error);

        var next = CronSchedule.NextAfter(quartz!, SaoPaulo, new DateTimeOffset(2030, 1, 7, 13, 30, 0, TimeSpan.Zero))!.Value;

        Assert.Equal(new DateTimeOffset(2030, 1, 13, 12, 0, 0, TimeSpan.Zero), next);
    }

    [Fact]
    public void A_crontab_with_a_day_of_month_and_a_day_of_week_fires_on_either_as_cron_does()
    {
        var (quartz, _) = CronSchedule.Normalize("0 9 1 * 1");

        var next = CronSchedule.NextAfter(quartz!, TimeZoneInfo.Utc, new DateTimeOffset(2030, 1, 29, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2030, 2, 1, 9, 0, 0, TimeSpan.Zero), next); // a Friday, the 1st
    }

    [Fact]
    public void Missed_slots_collapse_the_next_run_is_the_first_slot_after_now()
    {
        var (quartz, _) = CronSchedule.Normalize("0 * * * *");

        var next = CronSchedule.NextAfter(quartz!, SaoPaulo, new DateTimeOffset(2030, 1, 7, 18, 40, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2030, 1, 7, 19, 0, 0, TimeSpan.Zero), next);
    }

    [Theory]
    [InlineData("0 9 * *", "5 fields")]
    [InlineData("0 25 * * *", "not a valid cron")]
    [InlineData("*/10 * * * * ?", "at most once a minute")]
    [InlineData("0 0 0 1 1 ? 2001", "never fires again")]
    public void A_cron_that_cannot_be_a_schedule_is_refused_with_a_reason(string cron, string reason)
    {
        var (quartz, error) = CronSchedule.Normalize(cron);

        Assert.Null(quartz);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
