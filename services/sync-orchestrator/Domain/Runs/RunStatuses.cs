using Platform.Contracts.Syncs;

namespace Platform.SyncOrchestrator.Domain.Runs;

/// <summary>A run's life: requested → running → succeeded | failed; cancel goes through cancelling to cancelled.</summary>
internal static class RunStatuses
{
    /// <summary>Recorded; StartSync sent (or about to be) and the connector has not reported yet.</summary>
    public const string Requested = "requested";

    /// <summary>The connector reported progress.</summary>
    public const string Running = "running";

    /// <summary>An operator cancelled it; waiting for the connector to stop at a page boundary.</summary>
    public const string Cancelling = "cancelling";

    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    /// <summary>Runs that hold their workspace, source and streams: a second run on them is a 409.</summary>
    public static readonly string[] Active = [Requested, Running, Cancelling];

    public static readonly string[] All = [Requested, Running, Cancelling, Succeeded, Failed, Cancelled];

    public static bool IsActive(string status) => Active.Contains(status);
}

/// <summary>The API's spelling of <see cref="SyncMode"/> and <see cref="UnifyMode"/>.</summary>
internal static class RunModes
{
    public const string Full = "full";
    public const string Incremental = "incremental";
    public const string UnifyNow = "now";
    public const string UnifyDeferred = "deferred";

    public static bool IsMode(string? value) => value is Full or Incremental;

    public static bool IsUnify(string? value) => value is UnifyNow or UnifyDeferred;

    public static SyncMode ToSyncMode(string mode) => mode == Full ? SyncMode.Full : SyncMode.Incremental;

    public static UnifyMode ToUnifyMode(string unify) => unify == UnifyDeferred ? UnifyMode.Deferred : UnifyMode.Now;
}

/// <summary>Who started a run.</summary>
internal static class RunTriggers
{
    public const string Operator = "operator";
    public const string Schedule = "schedule";
}
