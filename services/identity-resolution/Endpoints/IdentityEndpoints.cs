using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.IdentityResolution.Domain.Recompute;
using Platform.IdentityResolution.Domain.Resolution;
using Platform.IdentityResolution.Persistence;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Callers;

namespace Platform.IdentityResolution.Endpoints;

/// <summary>Operator tools: explain, blocked values, skipped records, decisions, settings and counts.</summary>
internal static class IdentityEndpoints
{
    public static IEndpointRouteBuilder MapIdentityEndpoints(this IEndpointRouteBuilder app)
    {
        var identity = app.MapGroup("/api/identity").WithTags("Identity");
        identity.MapGet("/explain", ExplainAsync).WithName("Explain");
        identity.MapGet("/blocked-values", ListBlockedValuesAsync).WithName("ListBlockedValues");
        identity.MapPost("/blocked-values", BlockValueAsync).WithName("BlockValue");
        identity.MapPost("/blocked-values/{id:long}/unblock", UnblockValueAsync).WithName("UnblockValue");
        identity.MapGet("/skipped-records", ListSkippedRecordsAsync).WithName("ListSkippedRecords");
        identity.MapGet("/decisions", ListDecisionsAsync).WithName("ListDecisions");
        identity.MapGet("/settings", GetSettingsAsync).WithName("GetSettings");
        identity.MapPut("/settings", PutSettingsAsync).WithName("PutSettings");
        identity.MapGet("/stats", GetStatsAsync).WithName("GetStats");
        return app;
    }

    /// <summary>Why two records are in the same client (the chain of shared values), or why not.</summary>
    public static async Task<Results<Ok<ExplainResponse>, ProblemHttpResult, ValidationProblem>> ExplainAsync(
        string? workspaceId, long? recordA, long? recordB, IdentityResolver resolver, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(workspaceId, null, null, "records");
        if (recordA is null)
        {
            errors["recordA"] = ["recordA (a record id, as GET /api/clients/{id} lists them) is required."];
        }
        if (recordB is null)
        {
            errors["recordB"] = ["recordB (a record id, as GET /api/clients/{id} lists them) is required."];
        }
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The explain request is invalid");
        }
        if (await resolver.ExplainAsync(workspaceId!, recordA!.Value, recordB!.Value, cancellationToken) is not { } found)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Record not found",
                detail: $"Records {recordA} and {recordB} are not both in workspace {workspaceId}.");
        }
        var (explanation, records) = found;
        RecordRefResponse Ref(long id) => records.TryGetValue(id, out var r)
            ? new RecordRefResponse(r.Id, r.Source, r.EntityType, r.ExternalId, r.ClientId)
            : new RecordRefResponse(id, "", "", "", null);
        return TypedResults.Ok(new ExplainResponse(
            workspaceId!, Ref(recordA.Value), Ref(recordB.Value), explanation.Together, explanation.Summary,
            explanation.Chain.Select(s => new ExplainStepResponse(Ref(s.From), Ref(s.To), s.Kind, s.Value, s.DecisionId)).ToList(),
            explanation.Refusals.Select(r => new ExplainRefusalResponse(Ref(r.RecordA), Ref(r.RecordB), r.Kind, r.Value, r.Rule, r.ByDecision)).ToList()));
    }

    public static async Task<Results<Ok<BlockedValuesResponse>, ValidationProblem>> ListBlockedValuesAsync(
        string? workspaceId, string? reason, int? page, int? pageSize, IdentityDbContext db, ResolutionDefaults defaults, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(workspaceId, page, pageSize, "blocked values");
        if (reason is not null and not (BlockedReasons.Configured or BlockedReasons.Detected or BlockedReasons.Operator))
        {
            errors["reason"] = ["reason is configured, detected or operator."];
        }
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The blocked value list request is invalid");
        }
        var query = db.IdentifierValues.AsNoTracking().Where(v => v.WorkspaceId == workspaceId && v.BlockedReason != null);
        if (reason is not null)
        {
            query = query.Where(v => v.BlockedReason == reason);
        }
        var (current, size, skip) = Paging.Resolve(page, pageSize);
        var total = await query.CountAsync(cancellationToken);
        var items = await query
            .OrderBy(v => v.BlockedAt).ThenBy(v => v.Id)
            .Skip(skip).Take(size)
            .Select(v => new BlockedValueResponse(v.Id, v.Kind, v.Value, v.BlockedReason!, v.BlockedDetail, v.BlockedAt,
                db.RecordIdentifiers.Count(ri => ri.ValueId == v.Id)))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new BlockedValuesResponse(items, current, size, total, defaults.ConfiguredBlocked));
    }

    public static async Task<Results<Ok<OperatorActionResponse>, ProblemHttpResult, ValidationProblem>> BlockValueAsync(
        BlockValueRequest request, IdentityResolver resolver, IPublishEndpoint publish, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.WorkspaceId))
        {
            errors["workspaceId"] = ["workspaceId is required: values are blocked per workspace."];
        }
        if (request.Kind is null || !Domain.Normalisation.IdentifierKindRules.IsKnown(request.Kind))
        {
            errors["kind"] = [$"kind is one of {string.Join(", ", Domain.Normalisation.IdentifierKindRules.AllKinds)}."];
        }
        if (string.IsNullOrWhiteSpace(request.Value))
        {
            errors["value"] = ["value is required."];
        }
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The block request is invalid");
        }
        var outcome = await resolver.BlockValueAsync(request.WorkspaceId!, request.Kind!, request.Value!, request.Note, PlatformCaller.Of(http)?.Name, CorrelationId.Get(http), cancellationToken);
        return await ClientEndpoints.RespondAsync(outcome, publish, cancellationToken);
    }

    public static async Task<Results<Ok<OperatorActionResponse>, ProblemHttpResult, ValidationProblem>> UnblockValueAsync(
        long id, UnblockValueRequest? request, IdentityResolver resolver, IPublishEndpoint publish, HttpContext http, CancellationToken cancellationToken)
    {
        var outcome = await resolver.UnblockValueAsync(id, request?.Note, PlatformCaller.Of(http)?.Name, CorrelationId.Get(http), cancellationToken);
        return await ClientEndpoints.RespondAsync(outcome, publish, cancellationToken);
    }

    /// <summary>Records in no client: skipped (no usable identifier) or waiting (enrichments without a client yet), with counts by reason.</summary>
    public static async Task<Results<Ok<SkippedRecordsResponse>, ValidationProblem>> ListSkippedRecordsAsync(
        string? workspaceId, string? status, int? page, int? pageSize, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(workspaceId, page, pageSize, "skipped records");
        if (status is not null and not (RecordStatuses.Skipped or RecordStatuses.Waiting))
        {
            errors["status"] = ["status is skipped or waiting (both when absent)."];
        }
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The skipped record list request is invalid");
        }
        var query = db.Records.AsNoTracking().Where(r => r.WorkspaceId == workspaceId && r.Status != RecordStatuses.Linked);
        if (status is not null)
        {
            query = query.Where(r => r.Status == status);
        }
        var (current, size, skip) = Paging.Resolve(page, pageSize);
        var byReason = await query.GroupBy(r => r.StatusReason ?? r.Status)
            .Select(g => new { Reason = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Reason, g => g.Count, cancellationToken);
        var items = await query.OrderBy(r => r.Id).Skip(skip).Take(size).ToListAsync(cancellationToken);
        return TypedResults.Ok(new SkippedRecordsResponse(
            items.Select(r => new SkippedRecordResponse(r.Id, r.Source, r.EntityType, r.ExternalId, r.RawRecordId, r.Status, r.StatusReason,
                r.SourceUpdatedAt, r.FirstSeenAt,
                ResolutionJson.ReadUnusable(r.UnusableIdentifiers).Select(u => new UnusableIdentifierResponse(u.Kind, u.Value, u.Reason)).ToList())).ToList(),
            current, size, byReason.Values.Sum(), byReason));
    }

    public static async Task<Results<Ok<PagedResponse<DecisionResponse>>, ValidationProblem>> ListDecisionsAsync(
        string? workspaceId, int? page, int? pageSize, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(workspaceId, page, pageSize, "decisions");
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The decision list request is invalid");
        }
        var query = db.OperatorDecisions.AsNoTracking().Where(d => d.WorkspaceId == workspaceId);
        var (current, size, skip) = Paging.Resolve(page, pageSize);
        var total = await query.CountAsync(cancellationToken);
        var decisions = await query.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Skip(skip).Take(size).ToListAsync(cancellationToken);
        var ids = decisions.Select(d => d.Id).ToList();
        var sides = (await db.OperatorDecisionRecords.AsNoTracking().Where(r => ids.Contains(r.DecisionId)).ToListAsync(cancellationToken))
            .ToLookup(r => (r.DecisionId, r.Side), r => r.RecordId);
        return TypedResults.Ok(new PagedResponse<DecisionResponse>(
            decisions.Select(d => new DecisionResponse(d.Id, d.Kind, d.ConflictId, d.ClientId, d.ValueId, d.Note,
                sides[(d.Id, (short)1)].Order().ToList(), sides[(d.Id, (short)2)].Order().ToList(), d.CreatedAt, d.SupersededAt, d.SupersededById, d.DecidedBy)).ToList(),
            current, size, total));
    }

    public static async Task<Results<Ok<SettingsResponse>, ValidationProblem>> GetSettingsAsync(
        string? workspaceId, IdentityDbContext db, ResolutionDefaults defaults, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(workspaceId, null, null, "settings");
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The settings request is invalid");
        }
        var stored = await db.WorkspaceSettings.AsNoTracking().Where(s => s.WorkspaceId == workspaceId).Select(s => s.Settings).SingleOrDefaultAsync(cancellationToken);
        return TypedResults.Ok(Settings(workspaceId!, stored, defaults));
    }

    /// <summary>
    /// Replaces a workspace's overrides; members left out (or null) take the service defaults. When they changed,
    /// every client of the workspace is recomputed with them (GET /api/identity/recompute shows the job).
    /// </summary>
    public static async Task<Results<Ok<SettingsResponse>, ValidationProblem>> PutSettingsAsync(
        string? workspaceId, WorkspaceRuleOverrides overrides, WorkspaceRecompute recompute, ResolutionDefaults defaults, HttpContext http,
        CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(workspaceId, null, null, "settings");
        foreach (var (key, value) in ResolutionRules.Validate(overrides))
        {
            errors[key] = value;
        }
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The settings are invalid");
        }
        var json = ResolutionJson.Write(overrides);
        await recompute.SaveSettingsAsync(workspaceId!, json, PlatformCaller.Of(http)?.Name, cancellationToken);
        return TypedResults.Ok(Settings(workspaceId!, json, defaults));
    }

    public static async Task<Results<Ok<StatsResponse>, ValidationProblem>> GetStatsAsync(
        string? workspaceId, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(workspaceId, null, null, "counts");
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The stats request is invalid");
        }
        var byStatus = await db.Records.AsNoTracking().Where(r => r.WorkspaceId == workspaceId)
            .GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.LongCount() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var clients = await db.Clients.LongCountAsync(c => c.WorkspaceId == workspaceId && c.Status == Domain.ClientStatuses.Active, cancellationToken);
        var conflicts = await db.MergeConflicts.LongCountAsync(c => c.WorkspaceId == workspaceId && c.Status == ConflictStatuses.Open, cancellationToken);
        var blocked = await db.IdentifierValues.LongCountAsync(v => v.WorkspaceId == workspaceId && v.BlockedReason != null, cancellationToken);
        return TypedResults.Ok(new StatsResponse(workspaceId!, byStatus.Values.Sum(), byStatus.GetValueOrDefault(RecordStatuses.Linked),
            byStatus.GetValueOrDefault(RecordStatuses.Skipped), byStatus.GetValueOrDefault(RecordStatuses.Waiting), clients, conflicts, blocked));
    }

    private static SettingsResponse Settings(string workspaceId, string? stored, ResolutionDefaults defaults)
    {
        var overrides = stored is null ? null : JsonSerializer.Deserialize<WorkspaceRuleOverrides>(stored, ResolutionJson.Options);
        var rules = defaults.Rules.With(overrides);
        return new SettingsResponse(
            workspaceId,
            new EffectiveSettingsResponse(rules.Limits, rules.BlockThreshold, rules.SourceIdOnlySources.Order().ToList(), rules.FieldSources, rules.SourceOrder),
            overrides,
            $"Settings apply to every record: a change recomputes every client of the workspace (GET /api/identity/recompute?workspaceId={workspaceId} shows its progress).");
    }
}
