using Microsoft.Extensions.Configuration;
using Platform.Connectors.Backfill;

namespace Platform.Connectors.Ploomes.Streams;

/// <summary>The <c>deals</c> stream: deals with their tags, custom fields and contact.</summary>
public sealed class PloomesDealsStreamReader(IPloomesApi api, IConfiguration configuration) : ISourceStreamReader
{
    public string Name => PloomesMapping.DealsStream;

    public Task<BackfillPage> ReadPageAsync(StreamReadContext context, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = PloomesMappingOptions.For(configuration, context.Credentials);
        return PloomesPaging.ReadPageAsync(context, cursor, Name, PloomesApi.DealExpand, api.DealsAsync,
            deal => PloomesMapping.MapDeal(deal, options), cancellationToken);
    }
}
