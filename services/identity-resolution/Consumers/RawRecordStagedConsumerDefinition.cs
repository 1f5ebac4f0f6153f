using Platform.IdentityResolution.Domain.Resolution;
using Platform.ServiceDefaults;

namespace Platform.IdentityResolution.Consumers;

/// <summary>
/// Endpoint settings for <see cref="RawRecordStagedConsumer"/>: many messages held at once so batches can form
/// (they wait on the batcher, not on a database connection each). The failure policy (retries, redelivery,
/// <c>_error</c> queue) is the platform's, set once in <c>AddPlatformMessaging</c>.
/// </summary>
internal sealed class RawRecordStagedConsumerDefinition(IdentityResolutionOptions options)
    : HeldMessagesDefinition<RawRecordStagedConsumer>(options.ConcurrentMessages);
