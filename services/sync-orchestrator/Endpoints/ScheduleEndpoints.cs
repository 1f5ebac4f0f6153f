using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Platform.SyncOrchestrator.Domain.Runs;
using Platform.SyncOrchestrator.Domain.Schedules;
using Platform.SyncOrchestrator.Domain.Sources;
using Platform.SyncOrchestrator.Hosting;
using Platform.SyncOrchestrator.Persistence;
using Platform.SyncOrchestrator.Persistence.Entities;

namespace Platform.SyncOrchestrator.Endpoints;

/// <summary>
/// A schedule to create (POST) or change (PUT: fields left out keep their value). <c>Cron</c> or <c>Preset</c>
/// (<c>daily</c> = 09:00, <c>every-6-hours</c>); neither means daily at 09:00 in <c>TimeZone</c> (America/Sao_Paulo).
/// </summary>
internal sealed record ScheduleRequest(
    string? WorkspaceId, string? Source, string? Cron, string? Preset, string? TimeZone, string? Mode, IReadOnlyList<string>? Streams,
    string? Unify, bool? Enabled);

internal sealed record ScheduleResponse(
    Guid Id, string WorkspaceId, string Source, string Cron, string QuartzCron, string TimeZone, string Mode, IReadOnlyList<string> Streams,
    string Unify, bool Enabled, DateTimeOffset? NextRunAt, DateTimeOffset? NextRunAtLocal, DateTimeOffset? LastFiredAt, Guid? LastRunId,
    string? LastOutcome, DateTimeOffset CreatedAt, string? CreatedBy, DateTimeOffset UpdatedAt, string? UpdatedBy)
{
    public static ScheduleResponse Of(Schedule s)
    {
        var zone = CronSchedule.FindTimeZone(s.TimeZone);
        DateTimeOffset? local = s.NextRunAt is { } next && zone is not null ? TimeZoneInfo.ConvertTime(next, zone) : null;
        return new ScheduleResponse(s.Id, s.WorkspaceId, s.Source, s.Cron, s.QuartzCron, s.TimeZone, s.Mode, s.Streams, s.Unify, s.Enabled,
            s.NextRunAt, local, s.LastFiredAt, s.LastRunId, s.LastOutcome, s.CreatedAt, s.CreatedBy, s.UpdatedAt, s.UpdatedBy);
    }
}

internal static class ScheduleEndpoints
{
    private const string Invalid = "The schedule is invalid";

    public static IEndpointRouteBuilder MapScheduleEndpoints(this IEndpointRouteBuilder app)
    {
        var schedules = app.MapGroup("/api/schedules").WithTags("Schedules");
        schedules.MapPost("/", CreateScheduleAsync).WithName("CreateSchedule");
        schedules.MapGet("/", ListSchedulesAsync).WithName("ListSchedules");
        schedules.MapGet("/{id:guid}", GetScheduleAsync).WithName("GetSchedule");
        schedules.MapPut("/{id:guid}", UpdateScheduleAsync).WithName("UpdateSchedule");
        schedules.MapDelete("/{id:guid}", DeleteScheduleAsync).WithName("DeleteSchedule");
        return app;
    }

    public static string Location(Guid id) => $"/api/schedules/{id}";

    /// <summary>One schedule per workspace and source: a second one is a 409 naming the first (change it with PUT).</summary>
    public static async Task<Results<Created<ScheduleResponse>, ValidationProblem, ProblemHttpResult>> CreateScheduleAsync(
        ScheduleRequest request, OrchestratorDbContext db, ConnectorDirectory connectors, OrchestratorOptions options, TimeProvider clock,
        HttpContext http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.WorkspaceId))
        {
            errors["workspaceId"] = ["workspaceId is required: the workspace whose source to sync on a schedule."];
        }
        if (!connectors.Knows(request.Source))
        {
            errors["source"] = [request.Source is null
                ? $"source is required: one of {connectors.Known}."
                : $"'{request.Source}' is not a deployed connector; the sources are {connectors.Known}."];
        }
        var now = clock.GetUtcNow();
        var who = OperatorName.Of(http);
        var schedule = new Schedule
        {
            Id = NewId.NextSequentialGuid(),
            WorkspaceId = request.WorkspaceId ?? "",
            Source = request.Source ?? "",
            TimeZone = options.Scheduler.DefaultTimeZone,
            Mode = RunModes.Incremental,
            Unify = RunModes.UnifyNow,
            Enabled = true,
            CreatedAt = now,
            CreatedBy = who,
        };
        Apply(request, schedule, options, errors, isNew: true);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, Invalid);
        }
        var existing = await db.Schedules.AsNoTracking()
            .FirstOrDefaultAsync(s => s.WorkspaceId == schedule.WorkspaceId && s.Source == schedule.Source, cancellationToken);
        if (existing is not null)
        {
            return Duplicate(existing);
        }
        Stamp(schedule, now, who, reschedule: true);
        db.Schedules.Add(schedule);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            var winner = await db.Schedules.AsNoTracking()
                .FirstAsync(s => s.WorkspaceId == schedule.WorkspaceId && s.Source == schedule.Source, cancellationToken);
            return Duplicate(winner);
        }
        return TypedResults.Created(Location(schedule.Id), ScheduleResponse.Of(schedule));
    }

    public static async Task<Results<Ok<PagedResponse<ScheduleResponse>>, ValidationProblem>> ListSchedulesAsync(
        string? workspaceId, string? source, int? page, int? pageSize, OrchestratorDbContext db, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(workspaceId, page, pageSize, "schedules");
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, "The schedule list request is invalid");
        }
        var query = db.Schedules.AsNoTracking().Where(s => s.WorkspaceId == workspaceId);
        if (!string.IsNullOrWhiteSpace(source))
        {
            query = query.Where(s => s.Source == source);
        }
        var (current, size, skip) = Paging.Resolve(page, pageSize);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderBy(s => s.Source).ThenBy(s => s.Id).Skip(skip).Take(size).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResponse<ScheduleResponse>(items.Select(ScheduleResponse.Of).ToList(), current, size, total));
    }

    public static async Task<Results<Ok<ScheduleResponse>, ProblemHttpResult>> GetScheduleAsync(
        Guid id, OrchestratorDbContext db, CancellationToken cancellationToken)
    {
        var schedule = await db.Schedules.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        return schedule is null ? NotFound(id) : TypedResults.Ok(ScheduleResponse.Of(schedule));
    }

    /// <summary>Changes the fields given; a new cron, time zone or re-enabling computes the next run from now.</summary>
    public static async Task<Results<Ok<ScheduleResponse>, ValidationProblem, ProblemHttpResult>> UpdateScheduleAsync(
        Guid id, ScheduleRequest request, OrchestratorDbContext db, OrchestratorOptions options, TimeProvider clock, HttpContext http,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var schedule = await db.Schedules.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (schedule is null)
        {
            return NotFound(id);
        }
        var errors = new Dictionary<string, string[]>();
        if (request.WorkspaceId is not null && request.WorkspaceId != schedule.WorkspaceId)
        {
            errors["workspaceId"] = ["A schedule's workspace cannot change; delete it and create one for the other workspace."];
        }
        if (request.Source is not null && request.Source != schedule.Source)
        {
            errors["source"] = ["A schedule's source cannot change; delete it and create one for the other source."];
        }
        var timing = (schedule.QuartzCron, schedule.TimeZone, schedule.Enabled);
        Apply(request, schedule, options, errors, isNew: false);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, Invalid);
        }
        Stamp(schedule, clock.GetUtcNow(), OperatorName.Of(http),
            reschedule: timing != (schedule.QuartzCron, schedule.TimeZone, schedule.Enabled) || (schedule.Enabled && schedule.NextRunAt is null));
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ScheduleResponse.Of(schedule));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteScheduleAsync(
        Guid id, OrchestratorDbContext db, CancellationToken cancellationToken) =>
        await db.Schedules.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken) == 0 ? NotFound(id) : TypedResults.NoContent();

    /// <summary>Validates and copies the request's fields onto the schedule (all of them when new, the given ones otherwise).</summary>
    private static void Apply(ScheduleRequest request, Schedule schedule, OrchestratorOptions options, Dictionary<string, string[]> errors, bool isNew)
    {
        if (request.Cron is not null && request.Preset is not null)
        {
            errors["cron"] = ["Give either cron or preset, not both."];
        }
        else if (request.Preset is not null)
        {
            if (!CronSchedule.Presets.TryGetValue(request.Preset, out var preset))
            {
                errors["preset"] = [$"preset is one of {string.Join(", ", CronSchedule.Presets.Keys)}; got '{request.Preset}'. Or give a cron."];
            }
            else
            {
                SetCron(schedule, preset, "preset", errors);
            }
        }
        else if (request.Cron is not null || isNew)
        {
            SetCron(schedule, request.Cron ?? options.Scheduler.DefaultCron, "cron", errors);
        }
        if (request.TimeZone is not null)
        {
            if (CronSchedule.FindTimeZone(request.TimeZone) is null)
            {
                errors["timeZone"] = [$"'{request.TimeZone}' is not a known time zone; use an IANA id such as America/Sao_Paulo or UTC."];
            }
            schedule.TimeZone = request.TimeZone;
        }
        if (request.Mode is not null)
        {
            if (!RunModes.IsMode(request.Mode))
            {
                errors["mode"] = [$"mode is \"incremental\" (the default) or \"full\"; got '{request.Mode}'."];
            }
            schedule.Mode = request.Mode;
        }
        if (request.Unify is not null)
        {
            if (!RunModes.IsUnify(request.Unify))
            {
                errors["unify"] = [$"unify is \"now\" (the default) or \"deferred\"; got '{request.Unify}'."];
            }
            schedule.Unify = request.Unify;
        }
        if (request.Streams is not null)
        {
            var streams = request.Streams.Select(s => s?.Trim() ?? "").ToList();
            if (streams.Any(s => s.Length == 0))
            {
                errors["streams"] = ["streams cannot contain empty names; leave the list empty to sync every stream."];
            }
            schedule.Streams = [.. streams.Distinct(StringComparer.Ordinal)];
        }
        if (request.Enabled is { } enabled)
        {
            schedule.Enabled = enabled;
        }
    }

    private static void SetCron(Schedule schedule, string cron, string field, Dictionary<string, string[]> errors)
    {
        var (quartz, error) = CronSchedule.Normalize(cron);
        if (error is not null)
        {
            errors[field] = [error];
            return;
        }
        schedule.Cron = cron.Trim();
        schedule.QuartzCron = quartz!;
    }

    private static void Stamp(Schedule schedule, DateTimeOffset now, string? who, bool reschedule)
    {
        schedule.UpdatedAt = now;
        schedule.UpdatedBy = who;
        if (!schedule.Enabled)
        {
            schedule.NextRunAt = null;
        }
        else if (reschedule)
        {
            var zone = CronSchedule.FindTimeZone(schedule.TimeZone) ?? TimeZoneInfo.Utc;
            schedule.NextRunAt = CronSchedule.NextAfter(schedule.QuartzCron, zone, now);
        }
    }

    private static ProblemHttpResult Duplicate(Schedule existing) =>
        Problems.Conflict("The source already has a schedule",
            $"Schedule {existing.Id} ('{existing.Cron}', {existing.TimeZone}) already syncs {existing.Source} for workspace '{existing.WorkspaceId}'. " +
            $"Change it with PUT {Location(existing.Id)}, or delete it first.",
            new Dictionary<string, object?> { ["scheduleId"] = existing.Id, ["scheduleLocation"] = Location(existing.Id) });

    private static ProblemHttpResult NotFound(Guid id) => Problems.NotFound("Schedule", id, "List schedules with GET /api/schedules?workspaceId=….");
}
