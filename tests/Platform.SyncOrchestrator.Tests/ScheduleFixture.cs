namespace Platform.SyncOrchestrator.Tests;

/// <summary>
/// The orchestrator on a clock the test moves, starting on a Monday at 10:30 São Paulo time (13:30 UTC); the
/// scheduler looks for due slots every 100 ms. Stuck detection is pushed out of the way.
/// </summary>
public sealed class ScheduleFixture : OrchestratorFixture
{
    public static readonly DateTimeOffset Start = new(2030, 1, 7, 13, 30, 0, TimeSpan.Zero);

    public ManualClock Time { get; } = new(Start);

    protected override TimeProvider? Clock => Time;

    protected override IDictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["SyncOrchestrator:Scheduler:PollInterval"] = "00:00:00.100";
        settings["SyncOrchestrator:Alerts:StuckAfter"] = "1.00:00:00";
        return settings;
    }
}
