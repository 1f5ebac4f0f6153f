using Platform.Connectors.Hosting;
using Platform.Connectors.Hotmart.Domain;
using Platform.Connectors.Hotmart.Hosting;
using Platform.Connectors.Http;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddConnector(HotmartMapping.Source, connector => connector
    .AddHotmartSettings()
    // Hotmart documents 500 calls/minute per account. Paced at 8/s (about 420/min, no bursts): headroom for the
    // producer's other integrations, and safe if Hotmart counts over shorter windows. Connectors:Hotmart:Http overrides.
    .AddSourceClient<IHotmartApi, HotmartApi>(new SourceHttpOptions
    {
        BaseAddress = new("https://developers.hotmart.com/"),
        RatePermits = 8,
        RatePeriod = TimeSpan.FromSeconds(1),
    })
    .AddStream<HotmartSalesStreamReader>()
    .AddWebhookReceiver<HotmartWebhookReceiver>());

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapConnectorEndpoints();

await app.RunPlatformAsync(args);
