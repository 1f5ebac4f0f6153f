namespace Platform.SyncOrchestrator.Persistence.Entities;

/// <summary>When a workspace's source syncs by itself: one schedule per workspace and source.</summary>
internal sealed class Schedule
{
    public Guid Id { get; set; }
    public string WorkspaceId { get; set; } = "";
    public string Source { get; set; } = "";

    /// <summary>The cron as the operator wrote it (5-field standard or Quartz syntax).</summary>
    public string Cron { get; set; } = "";

    /// <summary>The same cron in Quartz syntax, which the scheduler evaluates.</summary>
    public string QuartzCron { get; set; } = "";

    /// <summary>IANA time zone the cron is read in.</summary>
    public string TimeZone { get; set; } = "";
    public string Mode { get; set; } = "";
    public List<string> Streams { get; set; } = [];
    public string Unify { get; set; } = "";
    public bool Enabled { get; set; }

    /// <summary>The slot to fire next (UTC); null when disabled. Advancing it is the claim on a slot.</summary>
    public DateTimeOffset? NextRunAt { get; set; }
    public DateTimeOffset? LastSlotAt { get; set; }
    public DateTimeOffset? LastFiredAt { get; set; }
    public Guid? LastRunId { get; set; }

    /// <summary>What the last firing did, for a person.</summary>
    public string? LastOutcome { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
}

/// <summary>A slot a schedule fired for: at most one per slot, whichever instance claimed it.</summary>
internal sealed class ScheduleFiring
{
    public long Id { get; set; }
    public Guid ScheduleId { get; set; }
    public DateTimeOffset SlotAt { get; set; }
    public DateTimeOffset FiredAt { get; set; }
    public Guid? RunId { get; set; }

    /// <summary><c>started</c> or <c>skipped</c>.</summary>
    public string Outcome { get; set; } = "";
    public string? Detail { get; set; }
}
