using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.ServiceDefaults.Privacy;

/// <summary>
/// <c>/internal/privacy/access|erasure|lift</c> on every service with a database: the gateway's privacy requests fan
/// out to them (service callers only, like every <c>/internal</c> route).
/// </summary>
public static class PrivacyEndpoints
{
    internal static IServiceCollection AddPrivacyParticipant(this IServiceCollection services)
    {
        services.TryAddSingleton<SchemaSweep>();
        services.TryAddSingleton<IPrivacyParticipant, SchemaSweepParticipant>();
        return services;
    }

    internal static IEndpointRouteBuilder MapPrivacyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/internal/privacy").WithTags("privacy").ExcludeFromDescription();
        group.MapPost("/access", AccessAsync);
        group.MapPost("/erasure", EraseAsync);
        group.MapPost("/lift", LiftAsync);
        return app;
    }

    private static async Task<Results<Ok<PrivacyPart>, ProblemHttpResult>> AccessAsync(PrivacySubject subject, IPrivacyParticipant participant,
        CancellationToken cancellationToken) =>
        Invalid(subject) ?? (Results<Ok<PrivacyPart>, ProblemHttpResult>)TypedResults.Ok(await participant.AccessAsync(subject, cancellationToken));

    private static async Task<Results<Ok<PrivacyPart>, ProblemHttpResult>> EraseAsync(PrivacySubject subject, IPrivacyParticipant participant,
        CancellationToken cancellationToken) =>
        Invalid(subject) ?? (Results<Ok<PrivacyPart>, ProblemHttpResult>)TypedResults.Ok(await participant.EraseAsync(subject, cancellationToken));

    private static async Task<NoContent> LiftAsync(SuppressionLift lift, IPrivacyParticipant participant, CancellationToken cancellationToken)
    {
        await participant.LiftAsync(lift, cancellationToken);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult? Invalid(PrivacySubject subject) => string.IsNullOrWhiteSpace(subject.WorkspaceId)
        ? TypedResults.Problem(title: "No workspace", detail: "workspaceId is required.", statusCode: StatusCodes.Status400BadRequest)
        : null;
}
