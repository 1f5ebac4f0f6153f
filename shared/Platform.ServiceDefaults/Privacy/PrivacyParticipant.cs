namespace Platform.ServiceDefaults.Privacy;

/// <summary>
/// A service's part of an LGPD request: what it holds about a person (access), removing it (erasure), and lifting a
/// suppression after a new consent. Every service with a database has one: <see cref="SchemaSweepParticipant"/> unless
/// it registers its own.
/// </summary>
public interface IPrivacyParticipant
{
    Task<PrivacyPart> AccessAsync(PrivacySubject subject, CancellationToken cancellationToken);

    Task<PrivacyPart> EraseAsync(PrivacySubject subject, CancellationToken cancellationToken);

    Task LiftAsync(SuppressionLift lift, CancellationToken cancellationToken);
}

/// <summary>The default part: every table of the service's schema, searched and erased by <see cref="SchemaSweep"/>.</summary>
public sealed class SchemaSweepParticipant(SchemaSweep sweep, Callers.CallerIdentity identity) : IPrivacyParticipant
{
    public async Task<PrivacyPart> AccessAsync(PrivacySubject subject, CancellationToken cancellationToken) =>
        new(identity.Name, await sweep.FindAsync(subject, null, null, null, cancellationToken));

    public async Task<PrivacyPart> EraseAsync(PrivacySubject subject, CancellationToken cancellationToken) =>
        new(identity.Name, await sweep.EraseAsync(subject, null, null, null, cancellationToken));

    public Task LiftAsync(SuppressionLift lift, CancellationToken cancellationToken) => Task.CompletedTask;
}
