using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Campaigns.Persistence;
using Platform.Contracts.Privacy;
using Platform.Contracts.Records;
using Platform.ServiceDefaults.Privacy;

namespace Platform.Campaigns.Privacy;

/// <summary>
/// Campaigns' part of an LGPD request: an erasure anonymises the person's recipients (kept, without email or phone, so
/// a campaign's figures stay true) and suppresses them as <see cref="ClientErased"/> does, then sweeps every other copy.
/// </summary>
internal sealed class CampaignsPrivacyParticipant(SchemaSweep sweep, AudienceStore store, TimeProvider clock) : IPrivacyParticipant
{
    private const string Service = "campaigns";

    public async Task<PrivacyPart> AccessAsync(PrivacySubject subject, CancellationToken cancellationToken) =>
        new(Service, await sweep.FindAsync(subject, null, null, null, cancellationToken));

    public async Task<PrivacyPart> EraseAsync(PrivacySubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var identifiers = subject.Identifiers.Select(i => new Identifier(i.Kind, i.Value)).ToList();
        foreach (var client in subject.ClientIds)
        {
            await store.ApplyErasedAsync(new ClientErased
            {
                WorkspaceId = subject.WorkspaceId,
                CorrelationId = subject.RequestId,
                ClientId = client,
                PrivacyRequestId = subject.RequestId,
                Identifiers = identifiers,
                ErasedAt = clock.GetUtcNow(),
            }, cancellationToken);
        }
        // Anonymised recipients keep their client id: swept by personal data only.
        var rows = await sweep.EraseAsync(subject with { ClientIds = [] }, null, null, null, cancellationToken);
        rows.AddRange(subject.ClientIds.Select(c => new HeldRow("campaign_recipients",
            System.Text.Json.JsonSerializer.SerializeToElement(new { customer_id = c }), Action: "anonymised")));
        return new PrivacyPart(Service, rows);
    }

    public Task LiftAsync(SuppressionLift lift, CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static class CampaignsPrivacyRegistration
{
    public static IHostApplicationBuilder AddCampaignsPrivacy(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IPrivacyParticipant, CampaignsPrivacyParticipant>();
        return builder;
    }
}
