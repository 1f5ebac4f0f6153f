using Platform.Connectors.Hosting;
using Platform.Connectors.Hotmart.Domain;
using Platform.Connectors.Hotmart.Hosting;
using Platform.Connectors.Http;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddConnector(HotmartMapping.Source, connector => connector
    .AddHotmartSettings()
    // Hotmart allows 500 calls/minute per account (reads and writes); 400 leaves room for the producer's other
    // integrations on the same account. Override with Connectors:Hotmart:Http:RatePermits.
    .AddSourceClient<IHotmartApi, HotmartApi>(new SourceHttpOptions
    {
        BaseAddress = new("https://developers.hotmart.com/"),
        RatePermits = 400,
        RatePeriod = TimeSpan.FromMinutes(1),
    })
    .AddStream<HotmartSalesStreamReader>()
    .AddWebhookReceiver<HotmartWebhookReceiver>());

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapConnectorEndpoints();

await app.RunPlatformAsync(args);
