using Platform.ServiceDefaults.Privacy;

namespace Platform.IdentityResolution.Privacy;

/// <summary><c>POST /internal/privacy/lookup</c>: the gateway's first step of an LGPD request (services only).</summary>
internal static class PrivacyLookupEndpoints
{
    public static IHostApplicationBuilder AddIdentityPrivacy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IdentityPrivacyParticipant>();
        builder.Services.AddSingleton<IPrivacyParticipant>(s => s.GetRequiredService<IdentityPrivacyParticipant>());
        return builder;
    }

    public static WebApplication MapPrivacyLookupEndpoints(this WebApplication app)
    {
        app.MapPost("/internal/privacy/lookup", LookupAsync).WithTags("privacy").ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> LookupAsync(PrivacySubject subject, IdentityPrivacyParticipant participant, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(subject.WorkspaceId))
        {
            return TypedResults.Problem(title: "No workspace", detail: "workspaceId is required.", statusCode: StatusCodes.Status400BadRequest);
        }
        try
        {
            return TypedResults.Ok(await participant.LookupAsync(subject, cancellationToken));
        }
        catch (AmbiguousSubjectException ex)
        {
            return TypedResults.Problem(title: "Several people", detail: ex.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }
}
