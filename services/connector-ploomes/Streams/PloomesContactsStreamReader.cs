using Microsoft.Extensions.Configuration;
using Platform.Connectors.Backfill;

namespace Platform.Connectors.Ploomes.Streams;

/// <summary>The <c>contacts</c> stream: companies and people, with phones, tags and custom fields.</summary>
public sealed class PloomesContactsStreamReader(IPloomesApi api, IConfiguration configuration) : ISourceStreamReader
{
    public string Name => PloomesMapping.ContactsStream;

    public Task<BackfillPage> ReadPageAsync(StreamReadContext context, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = PloomesMappingOptions.For(configuration, context.Credentials);
        return PloomesPaging.ReadPageAsync(context, cursor, Name, PloomesApi.ContactExpand, api.ContactsAsync,
            contact => PloomesMapping.MapContact(contact, options), cancellationToken);
    }
}
