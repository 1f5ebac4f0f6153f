using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.SyncOrchestrator.Domain.Alerts;
using Platform.SyncOrchestrator.Persistence;
using Platform.SyncOrchestrator.Persistence.Entities;

namespace Platform.SyncOrchestrator.Endpoints;

internal sealed record AlertWebhookResponse(string Status, int Attempts, string? LastError, DateTimeOffset? DeliveredAt, DateTimeOffset? NextAttemptAt);

internal sealed record AlertResponse(
    Guid Id, string WorkspaceId, string Source, Guid? RunId, string Kind, string Message, DateTimeOffset CreatedAt,
    AlertWebhookResponse Webhook, DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy)
{
    public static AlertResponse Of(Alert a) => new(a.Id, a.WorkspaceId, a.Source, a.RunId, a.Kind, a.Message, a.CreatedAt,
        new AlertWebhookResponse(a.WebhookStatus, a.WebhookAttempts, a.WebhookLastError, a.WebhookDeliveredAt,
            a.WebhookStatus == WebhookStatuses.Pending ? a.WebhookNextAttemptAt : null),
        a.AcknowledgedAt, a.AcknowledgedBy);
}

internal static class AlertEndpoints
{
    public static IEndpointRouteBuilder MapAlertEndpoints(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/alerts").WithTags("Alerts");
        alerts.MapGet("/", ListAlertsAsync).WithName("ListAlerts");
        alerts.MapGet("/{id:guid}", GetAlertAsync).WithName("GetAlert");
        alerts.MapPost("/{id:guid}/acknowledge", AcknowledgeAlertAsync).WithName("AcknowledgeAlert");
        return app;
    }

    /// <summary>Alerts of a workspace, newest first.</summary>
    public static async Task<Results<Ok<PagedResponse<AlertResponse>>, ValidationProblem>> ListAlertsAsync(
        string? workspaceId, string? source, string? kind, Guid? runId, bool? acknowledged, int? page, int? pageSize,
        OrchestratorDbContext db, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(workspaceId, page, pageSize, "alerts");
        if (kind is not null && !AlertKinds.All.Contains(kind))
        {
            errors["kind"] = [$"kind is {string.Join(" or ", AlertKinds.All)}; got '{kind}'."];
        }
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, "The alert list request is invalid");
        }
        var query = db.Alerts.AsNoTracking().Where(a => a.WorkspaceId == workspaceId);
        if (!string.IsNullOrWhiteSpace(source))
        {
            query = query.Where(a => a.Source == source);
        }
        if (kind is not null)
        {
            query = query.Where(a => a.Kind == kind);
        }
        if (runId is { } run)
        {
            query = query.Where(a => a.RunId == run);
        }
        if (acknowledged is { } ack)
        {
            query = ack ? query.Where(a => a.AcknowledgedAt != null) : query.Where(a => a.AcknowledgedAt == null);
        }
        var (current, size, skip) = Paging.Resolve(page, pageSize);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).Skip(skip).Take(size).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResponse<AlertResponse>(items.Select(AlertResponse.Of).ToList(), current, size, total));
    }

    public static async Task<Results<Ok<AlertResponse>, ProblemHttpResult>> GetAlertAsync(Guid id, OrchestratorDbContext db, CancellationToken cancellationToken)
    {
        var alert = await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        return alert is null ? NotFound(id) : TypedResults.Ok(AlertResponse.Of(alert));
    }

    /// <summary>Records who looked at the alert; acknowledging twice keeps the first.</summary>
    public static async Task<Results<Ok<AlertResponse>, ProblemHttpResult>> AcknowledgeAlertAsync(
        Guid id, OrchestratorDbContext db, TimeProvider clock, HttpContext http, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var who = OperatorName.Of(http);
        await db.Alerts.Where(a => a.Id == id && a.AcknowledgedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.AcknowledgedAt, now).SetProperty(a => a.AcknowledgedBy, who), cancellationToken);
        return await GetAlertAsync(id, db, cancellationToken);
    }

    private static ProblemHttpResult NotFound(Guid id) => Problems.NotFound("Alert", id, "List alerts with GET /api/alerts?workspaceId=….");
}
