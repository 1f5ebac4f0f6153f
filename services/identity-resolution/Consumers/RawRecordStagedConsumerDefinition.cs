using MassTransit;

namespace Platform.IdentityResolution.Consumers;

/// <summary>
/// Endpoint settings for <see cref="RawRecordStagedConsumer"/>. The failure policy (retries, redelivery,
/// <c>_error</c> queue) is the platform's, set once in <c>AddPlatformMessaging</c>.
/// </summary>
internal sealed class RawRecordStagedConsumerDefinition : ConsumerDefinition<RawRecordStagedConsumer>
{
    /// <summary>Records linked at once per instance; each holds a database connection while it runs.</summary>
    public const int ConcurrentLinks = 16;

    public RawRecordStagedConsumerDefinition()
    {
        ConcurrentMessageLimit = ConcurrentLinks;
    }
}
