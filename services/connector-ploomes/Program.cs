using Platform.Connectors.Hosting;
using Platform.Connectors.Http;
using Platform.Connectors.Ploomes.Domain;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddConnector(PloomesMapping.Source, connector => connector
    // 120 requests/minute per account (Ploomes' documented limit); Connectors:Ploomes:Http overrides.
    .AddSourceClient<IPloomesApi, PloomesApi>(new SourceHttpOptions
    {
        BaseAddress = new Uri("https://public-api2.ploomes.com/"),
        RatePermits = 120,
        RatePeriod = TimeSpan.FromMinutes(1),
    })
    .AddStream<PloomesContactsStreamReader>()
    .AddStream<PloomesDealsStreamReader>()
    .AddWebhookReceiver<PloomesWebhookReceiver>());

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapConnectorEndpoints();

await app.RunPlatformAsync(args);
