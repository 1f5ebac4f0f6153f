using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Records;
using Platform.IdentityResolution.Domain;
using Platform.IdentityResolution.Domain.Normalisation;
using Platform.IdentityResolution.Domain.Resolution;
using Platform.IdentityResolution.Persistence;
using Platform.IdentityResolution.Persistence.Entities;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Callers;

namespace Platform.IdentityResolution.Endpoints;

internal static class ClientEndpoints
{
    private const int EmbeddedRecords = 200;

    public static IEndpointRouteBuilder MapClientEndpoints(this IEndpointRouteBuilder app)
    {
        var clients = app.MapGroup("/api/clients").WithTags("Clients");
        clients.MapGet("/", SearchClientsAsync).WithName("SearchClients");
        clients.MapGet("/{id:guid}", GetClientAsync).WithName("GetClient");
        clients.MapGet("/{id:guid}/records", ListClientRecordsAsync).WithName("ListClientRecords");
        clients.MapPost("/{id:guid}/split", SplitClientAsync).WithName("SplitClient");
        clients.MapPost("/{id:guid}/merge", MergeClientsAsync).WithName("MergeClients");
        return app;
    }

    /// <summary>
    /// Clients of a workspace, oldest first, filtered by name (contains, any case), email, phone or document
    /// (each normalised like the records are); <c>q</c> is read as an email, a phone, a document, else a name or any
    /// source id (a record's external id, or an identifier such as a Stripe customer id, exactly as the source wrote it).
    /// </summary>
    public static async Task<Results<Ok<PagedResponse<ClientSummaryResponse>>, ValidationProblem>> SearchClientsAsync(
        string? workspaceId, string? q, string? name, string? email, string? phone, string? document, string? status,
        int? page, int? pageSize, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(workspaceId, page, pageSize, "clients");
        string? sourceId = null;
        var identifiers = new List<NormalisedIdentifier>();
        void Require(string parameter, string? raw, NormalisedIdentifier? normalised, string expected)
        {
            if (raw is null)
            {
                return;
            }
            if (normalised is { } value)
            {
                identifiers.Add(value);
            }
            else
            {
                errors[parameter] = [$"'{raw}' is not {expected}, so no client can have it."];
            }
        }
        Require("email", email, EmailNormaliser.Normalise(email) is { } e ? new(IdentifierKinds.Email, e) : null, "an email address");
        Require("phone", phone, PhoneNormaliser.Normalise(phone) is { } p ? new(IdentifierKinds.Phone, p) : null,
            "a phone number that can be placed (Brazilian numbers with a valid area code, others with a leading +)");
        Require("document", document, DocumentNormaliser.Normalise(document), "a valid CPF or CNPJ");
        if (status is not null && status is not (ClientStatuses.Active or ClientStatuses.Merged or ClientStatuses.Dissolved))
        {
            errors["status"] = ["status is active (the default), merged or dissolved."];
        }
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The client search is invalid");
        }
        if (!string.IsNullOrWhiteSpace(q))
        {
            if (EmailNormaliser.Normalise(q) is { } qe)
            {
                identifiers.Add(new(IdentifierKinds.Email, qe));
            }
            else if (PhoneNormaliser.Normalise(q) is { } qp)
            {
                identifiers.Add(new(IdentifierKinds.Phone, qp));
            }
            else if (DocumentNormaliser.Normalise(q) is { } qd)
            {
                identifiers.Add(qd);
            }
            else
            {
                name = q;
                sourceId = q.Trim();
            }
        }

        var query = db.Clients.AsNoTracking().Where(c => c.WorkspaceId == workspaceId && c.Status == (status ?? ClientStatuses.Active));
        foreach (var identifier in identifiers)
        {
            var holders =
                from v in db.IdentifierValues
                where v.WorkspaceId == workspaceId && v.Kind == identifier.Kind && v.Value == identifier.Value
                join ri in db.RecordIdentifiers on v.Id equals ri.ValueId
                join r in db.Records on ri.RecordId equals r.Id
                select r.ClientId;
            query = query.Where(c => holders.Contains(c.Id));
        }
        if (!string.IsNullOrWhiteSpace(name))
        {
            var pattern = "%" + name.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%";
            if (sourceId is null)
            {
                query = query.Where(c => c.DisplayName != null && EF.Functions.ILike(c.DisplayName, pattern, "\\"));
            }
            else
            {
                // q that is no email, phone or document: a name, or an id some source gave the person or one of their records.
                var byIdentifier =
                    from v in db.IdentifierValues
                    where v.WorkspaceId == workspaceId && v.Value == sourceId
                    join ri in db.RecordIdentifiers on v.Id equals ri.ValueId
                    join r in db.Records on ri.RecordId equals r.Id
                    select r.ClientId;
                var byRecord = db.Records.Where(r => r.WorkspaceId == workspaceId && r.ExternalId == sourceId).Select(r => r.ClientId);
                query = query.Where(c => (c.DisplayName != null && EF.Functions.ILike(c.DisplayName, pattern, "\\"))
                    || byIdentifier.Contains(c.Id) || byRecord.Contains(c.Id));
            }
        }

        var (current, size, skip) = Paging.Resolve(page, pageSize);
        var total = await query.CountAsync(cancellationToken);
        var items = await query
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)
            .Skip(skip)
            .Take(size)
            .Select(c => new ClientSummaryResponse(c.Id, c.WorkspaceId, c.Kind, c.Status, c.DisplayName, c.PrimaryEmail, c.PrimaryPhone,
                c.Document, c.Version, c.RecordCount, c.CreatedAt, c.UpdatedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResponse<ClientSummaryResponse>(items, current, size, total));
    }

    /// <summary>One client: golden record with lineage, identifiers, its first records and open conflicts.</summary>
    public static async Task<Results<Ok<ClientResponse>, ProblemHttpResult>> GetClientAsync(
        Guid id, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var client = await db.Clients.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (client is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Client not found",
                detail: $"Client {id} was not found. Check the id, or find the client with GET /api/clients?workspaceId=...&q=....");
        }
        var records = await RecordsAsync(db, db.Records.Where(r => r.ClientId == id), 0, EmbeddedRecords, cancellationToken);
        var conflicts = await db.MergeConflicts.AsNoTracking()
            .Where(c => c.Status == ConflictStatuses.Open && (c.ClientAId == id || c.ClientBId == id))
            .OrderBy(c => c.CreatedAt).Select(c => c.Id)
            .ToListAsync(cancellationToken);
        var golden = ResolutionJson.ReadGolden(client.Golden);
        return TypedResults.Ok(new ClientResponse(
            client.Id, client.WorkspaceId, client.Kind, client.Status, client.MergedIntoId, client.DisplayName, client.PrimaryEmail,
            client.PrimaryPhone, client.Document, client.Version, client.RecordCount,
            ResolutionJson.ReadIdentifiers(client.Identifiers).Select(i => new IdentifierResponse(i.Kind, i.Value)).ToList(),
            golden.ToDictionary(g => g.Key, g => new FieldLineageResponse(g.Value.Value, g.Value.RecordId, g.Value.Source, g.Value.ExternalId, g.Value.SourceUpdatedAt)),
            records, conflicts, client.CreatedAt, client.UpdatedAt));
    }

    public static async Task<Results<Ok<PagedResponse<ClientRecordResponse>>, ProblemHttpResult, ValidationProblem>> ListClientRecordsAsync(
        Guid id, int? page, int? pageSize, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(null, page, pageSize, null);
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The record list request is invalid");
        }
        if (!await db.Clients.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Client not found", detail: $"Client {id} was not found.");
        }
        var (current, size, skip) = Paging.Resolve(page, pageSize);
        var query = db.Records.Where(r => r.ClientId == id);
        var total = await query.CountAsync(cancellationToken);
        return TypedResults.Ok(new PagedResponse<ClientRecordResponse>(await RecordsAsync(db, query, skip, size, cancellationToken), current, size, total));
    }

    public static async Task<Results<Ok<OperatorActionResponse>, ProblemHttpResult, ValidationProblem>> SplitClientAsync(
        Guid id, SplitRequest request, IdentityResolver resolver, IPublishEndpoint publish, HttpContext http, CancellationToken cancellationToken)
    {
        if (request.RecordIds is not { Count: > 0 } recordIds)
        {
            return Paging.Invalid(new() { ["recordIds"] = ["Name the records to move out of the client (their ids from GET /api/clients/{id})."] },
                "The split request is invalid");
        }
        var outcome = await resolver.SplitAsync(id, recordIds, request.Note, PlatformCaller.Of(http)?.Name, CorrelationId.Get(http), cancellationToken);
        return await RespondAsync(outcome, publish, cancellationToken);
    }

    public static async Task<Results<Ok<OperatorActionResponse>, ProblemHttpResult, ValidationProblem>> MergeClientsAsync(
        Guid id, MergeRequest request, IdentityResolver resolver, IPublishEndpoint publish, HttpContext http, CancellationToken cancellationToken)
    {
        if (request.ClientIds is not { Count: > 0 } others || others.All(o => o == id))
        {
            return Paging.Invalid(new() { ["clientIds"] = ["Name the clients to merge into this one."] }, "The merge request is invalid");
        }
        var outcome = await resolver.MergeAsync(id, others, request.Note, PlatformCaller.Of(http)?.Name, CorrelationId.Get(http), cancellationToken);
        return await RespondAsync(outcome, publish, cancellationToken);
    }

    /// <summary>Publishes what the action changed (after its commit) and answers with its result or problem.</summary>
    internal static async Task<Results<Ok<OperatorActionResponse>, ProblemHttpResult, ValidationProblem>> RespondAsync(
        OperatorOutcome<OperatorActionResult> outcome, IPublishEndpoint publish, CancellationToken cancellationToken)
    {
        if (outcome.Problem is { } problem)
        {
            return Paging.Problem(problem);
        }
        await Task.WhenAll(outcome.Events.Select(e => publish.Publish(e, e.GetType(), cancellationToken)));
        var value = outcome.Value!;
        return TypedResults.Ok(new OperatorActionResponse(value.DecisionId, value.ClientIds, value.Summary));
    }

    private static async Task<List<ClientRecordResponse>> RecordsAsync(
        IdentityDbContext db, IQueryable<SourceRecord> query, int skip, int take, CancellationToken cancellationToken)
    {
        var records = await query.AsNoTracking()
            .OrderBy(r => r.LinkedAt).ThenBy(r => r.Id)
            .Skip(skip).Take(take)
            .ToListAsync(cancellationToken);
        var ids = records.Select(r => r.Id).ToList();
        var identifiers = (await (
                from ri in db.RecordIdentifiers
                where ids.Contains(ri.RecordId)
                join v in db.IdentifierValues on ri.ValueId equals v.Id
                select new { ri.RecordId, v.Kind, v.Value, Blocked = v.BlockedReason != null })
            .ToListAsync(cancellationToken))
            .ToLookup(i => i.RecordId);
        return records.Select(r => new ClientRecordResponse(
                r.Id, r.Source, r.EntityType, r.ExternalId, r.RawRecordId, r.SourceUpdatedAt, r.LinkedAt,
                identifiers[r.Id]
                    .OrderBy(i => IdentifierKindRules.Order(i.Kind)).ThenBy(i => i.Value, StringComparer.Ordinal)
                    .Select(i => new RecordIdentifierResponse(i.Kind, i.Value, i.Blocked)).ToList(),
                ResolutionJson.ReadUnusable(r.UnusableIdentifiers).Select(u => new UnusableIdentifierResponse(u.Kind, u.Value, u.Reason)).ToList()))
            .ToList();
    }
}
