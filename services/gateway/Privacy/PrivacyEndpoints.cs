using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Gateway.Authentication;
using Platform.ServiceDefaults.Callers;
using Platform.ServiceDefaults.Privacy;

namespace Platform.Gateway.Privacy;

/// <summary>A person's LGPD request (Art. 18): see what the platform holds about them, or erase it.</summary>
public sealed record PrivacyRequestBody(string? WorkspaceId, string? Kind, string? Email, string? Phone, string? Cpf);

/// <summary>A new consent from an erased person, recorded: their suppression is lifted.</summary>
public sealed record ConsentBody(string? WorkspaceId, string? Email, string? Phone, string? Cpf);

/// <summary>A privacy request and each service's progress; an access request's document once complete.</summary>
public sealed record PrivacyRequestResponse(Guid Id, string WorkspaceId, string Kind, string Status, JsonElement Services, JsonElement? Document,
    string RequestedBy, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt);

/// <summary>What a consent lifted.</summary>
public sealed record ConsentResponse(Guid Id, string WorkspaceId, int Lifted, IReadOnlyList<string> FailedServices);

/// <summary><c>/api/privacy</c>: requests answered by the gateway itself, fanned out to every service.</summary>
internal static partial class PrivacyEndpoints
{
    public static IHostApplicationBuilder AddPrivacyRequests(this IHostApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Platform")))
        {
            return builder;
        }
        builder.Services.AddHttpClient(PrivacyProcessor.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(55)).AddPlatformCallerToken();
        builder.Services.AddSingleton<PrivacyStore>();
        builder.Services.AddSingleton<PrivacyProcessor>();
        builder.Services.AddHostedService(s => s.GetRequiredService<PrivacyProcessor>());
        return builder;
    }

    public static WebApplication MapPrivacyEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/api/privacy").WithTags("privacy").RequireAuthorization(OperatorAuthentication.Policy);
        group.MapPost("/requests", CreateAsync).WithName("CreatePrivacyRequest").WithSummary("Start an LGPD access or erasure request (202)");
        group.MapGet("/requests/{id:guid}", GetAsync).WithName("GetPrivacyRequest").WithSummary("A privacy request's progress per service");
        group.MapPost("/consents", ConsentAsync).WithName("RecordConsent").WithSummary("Record a new consent: lifts an erased person's suppression");
        return app;
    }

    private static async Task<Results<Accepted<PrivacyRequestResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        PrivacyRequestBody? body, HttpContext http, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (body?.WorkspaceId is { Length: > 0 } named && Refusal(http, named) is { } another)
        {
            return another;
        }
        var errors = Validate(body?.WorkspaceId, body?.Email, body?.Phone, body?.Cpf);
        if (body?.Kind is not (PrivacyKinds.Access or PrivacyKinds.Erasure))
        {
            errors["kind"] = ["kind is \"access\" (what the platform holds about the person) or \"erasure\"."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The privacy request is invalid");
        }
        if (Refusal(http, body!.WorkspaceId!) is { } refused)
        {
            return refused;
        }
        if (body.Kind == PrivacyKinds.Erasure && OperatorClaims.RoleOf(http.User) == CallerRoles.Viewer)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed for this role", detail: "An erasure needs an operator or admin key.");
        }
        if (services.GetService<PrivacyStore>() is not { } store || services.GetService<PrivacyProcessor>() is not { } processor)
        {
            return NoDatabase();
        }
        var subject = Subject(body.WorkspaceId!, body.Email, body.Phone, body.Cpf);
        var salt = await store.SaltAsync(subject.WorkspaceId, cancellationToken);
        var id = Guid.NewGuid();
        await store.CreateAsync(id, subject.WorkspaceId, body.Kind!, Hashes(salt, subject), http.User.Identity!.Name!, cancellationToken);
        await processor.EnqueueAsync(new PrivacyWork(id, body.Kind!, subject), cancellationToken);
        var row = (await store.GetAsync(id, cancellationToken))!;
        return TypedResults.Accepted($"/api/privacy/requests/{id}", Response(row));
    }

    private static async Task<Results<Ok<PrivacyRequestResponse>, ProblemHttpResult>> GetAsync(
        Guid id, HttpContext http, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<PrivacyStore>() is not { } store)
        {
            return NoDatabase();
        }
        var row = await store.GetAsync(id, cancellationToken);
        if (row is null || Refusal(http, row.WorkspaceId) is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such privacy request",
                detail: $"There is no privacy request {id} in the workspaces you may use.");
        }
        return TypedResults.Ok(Response(row));
    }

    private static async Task<Results<Ok<ConsentResponse>, ValidationProblem, ProblemHttpResult>> ConsentAsync(
        ConsentBody? body, HttpContext http, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (body?.WorkspaceId is { Length: > 0 } named && Refusal(http, named) is { } another)
        {
            return another;
        }
        var errors = Validate(body?.WorkspaceId, body?.Email, body?.Phone, body?.Cpf);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The consent is invalid");
        }
        if (Refusal(http, body!.WorkspaceId!) is { } refused)
        {
            return refused;
        }
        if (services.GetService<PrivacyStore>() is not { } store || services.GetService<PrivacyProcessor>() is not { } processor)
        {
            return NoDatabase();
        }
        var subject = Subject(body.WorkspaceId!, body.Email, body.Phone, body.Cpf);
        var salt = await store.SaltAsync(subject.WorkspaceId, cancellationToken);
        var given = Hashes(salt, subject);
        var lifted = await store.SuppressedWithAsync(subject.WorkspaceId, given, cancellationToken);
        var failed = lifted.Length == 0 ? [] : await processor.LiftAsync(new SuppressionLift(subject.WorkspaceId, lifted), cancellationToken);
        var id = Guid.NewGuid();
        await store.RecordConsentAsync(id, subject.WorkspaceId, given, lifted, http.User.Identity!.Name!, cancellationToken);
        return TypedResults.Ok(new ConsentResponse(id, subject.WorkspaceId, lifted.Length, failed));
    }

    private static PrivacySubject Subject(string workspaceId, string? email, string? phone, string? cpf) => new()
    {
        WorkspaceId = workspaceId,
        Identifiers =
        [
            .. new[] { ("email", email), ("phone", phone), ("cpf", cpf) }
                .Where(v => !string.IsNullOrWhiteSpace(v.Item2)).Select(v => new SubjectIdentifier(v.Item1, v.Item2!.Trim())),
        ],
    };

    private static List<string> Hashes(byte[] salt, PrivacySubject subject) =>
        subject.Identifiers.Select(i => SuppressionKey.Hash(salt, i.Kind, i.Value)).OfType<string>().Distinct().ToList();

    private static Dictionary<string, string[]> Validate(string? workspaceId, string? email, string? phone, string? cpf)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(workspaceId) || !WorkspaceId().IsMatch(workspaceId))
        {
            errors["workspaceId"] = ["workspaceId is the workspace the person's data is in (1-64 letters, digits, '.', '_' or '-')."];
        }
        if (string.IsNullOrWhiteSpace(email) && string.IsNullOrWhiteSpace(phone) && string.IsNullOrWhiteSpace(cpf))
        {
            errors["subject"] = ["Name the person by at least one of email, phone or cpf."];
        }
        if (!string.IsNullOrWhiteSpace(email) && SuppressionKey.Normalise("email", email) is null)
        {
            errors["email"] = ["email is not an email address."];
        }
        if (!string.IsNullOrWhiteSpace(phone) && SuppressionKey.NationalDigits(phone) is not { Length: >= 10 })
        {
            errors["phone"] = ["phone needs its area code and number (10 or 11 digits, optionally +55)."];
        }
        if (!string.IsNullOrWhiteSpace(cpf) && SuppressionKey.Normalise("cpf", cpf) is not { Length: 11 })
        {
            errors["cpf"] = ["cpf is 11 digits, with or without its punctuation."];
        }
        return errors;
    }

    /// <summary>403 when the caller's key may not use the workspace.</summary>
    private static ProblemHttpResult? Refusal(HttpContext http, string workspaceId) =>
        OperatorClaims.AllowedWorkspaces(http.User) is { } allowed && !allowed.Contains(workspaceId, StringComparer.Ordinal)
            ? TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Another workspace",
                detail: $"This key may use workspaces {string.Join(", ", allowed)}, not {workspaceId}.")
            : null;

    private static PrivacyRequestResponse Response(PrivacyRequestRow row) => new(row.Id, row.WorkspaceId, row.Kind, row.Status, row.Services,
        row.Document, row.RequestedBy, row.CreatedAt, row.CompletedAt);

    private static ProblemHttpResult NoDatabase() => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Privacy requests are not stored here", detail: "The gateway has no database (ConnectionStrings:Platform).");

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex WorkspaceId();
}
