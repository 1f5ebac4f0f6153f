namespace Platform.SyncOrchestrator.Tests;

public sealed record PageDto<T>(List<T> Items, int Page, int PageSize, int Total);

public sealed record RunStreamDto(string Stream, long RecordsFetched, long RecordsStaged, int Pages, int Retries, int RateLimitWaits,
    string? Checkpoint, DateTimeOffset? LastProgressAt, DateTimeOffset? Watermark, bool Completed);

public sealed record RunDto(
    Guid Id, string WorkspaceId, string Source, List<string> Streams, string Mode, DateTimeOffset? From, DateTimeOffset? To, string Unify,
    string Status, string Trigger, Guid? ScheduleId, string? RequestedBy, Guid CorrelationId, DateTimeOffset RequestedAt,
    DateTimeOffset? StartedAt, DateTimeOffset? LastProgressAt, DateTimeOffset? FinishedAt, long RecordsFetched, long RecordsStaged,
    int Pages, int Retries, int RateLimitWaits, string? ErrorCode, string? Error, string? FailedStream, DateTimeOffset? CancelRequestedAt,
    string? CancelRequestedBy, string? CancelReason, DateTimeOffset? StuckSince, List<RunStreamDto> Progress);

public sealed record StreamStatusDto(string Stream, DateTimeOffset? Watermark);

public sealed record SourceRunDto(Guid Id, string Status, string Trigger, DateTimeOffset RequestedAt, DateTimeOffset? FinishedAt);

public sealed record SourceErrorDto(Guid RunId, string? ErrorCode, string? Error, DateTimeOffset? At);

public sealed record SourceScheduleDto(Guid Id, string Cron, string TimeZone, string Mode, bool Enabled, DateTimeOffset? NextRunAt);

public sealed record SourceDto(
    string Source, string State, bool Reachable, string? Problem, bool? Configured, List<StreamStatusDto> Streams, long? RecordsStaged,
    long? RecordsPublished, long? RecordsWaitingForUnify, SourceRunDto? LastSuccessfulSync, SourceRunDto? LastRun, SourceErrorDto? LastError,
    List<SourceRunDto> ActiveRuns, DateTimeOffset? NextScheduledRunAt, SourceScheduleDto? Schedule);

public sealed record UnifySourceDto(string Source, bool Sent, bool Reachable, string? Problem, long? WaitingAtRequest, long? WaitingNow, long? Released,
    long? PublishedSinceRequest);

public sealed record UnifyDto(Guid Id, string WorkspaceId, Guid? SyncRunId, string? RequestedBy, DateTimeOffset RequestedAt, string Status,
    long? RecordsWaiting, List<UnifySourceDto> Sources);

public sealed record ScheduleDto(
    Guid Id, string WorkspaceId, string Source, string Cron, string QuartzCron, string TimeZone, string Mode, List<string> Streams, string Unify,
    bool Enabled, DateTimeOffset? NextRunAt, DateTimeOffset? NextRunAtLocal, DateTimeOffset? LastFiredAt, Guid? LastRunId, string? LastOutcome,
    DateTimeOffset CreatedAt, string? CreatedBy, DateTimeOffset UpdatedAt, string? UpdatedBy);

public sealed record AlertWebhookDto(string Status, int Attempts, string? LastError, DateTimeOffset? DeliveredAt, DateTimeOffset? NextAttemptAt);

public sealed record AlertDto(Guid Id, string WorkspaceId, string Source, Guid? RunId, string Kind, string Message, DateTimeOffset CreatedAt,
    AlertWebhookDto Webhook, DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy);
