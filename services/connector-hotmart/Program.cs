using Platform.Connectors.Hosting;
using Platform.Connectors.Hotmart.Domain;
using Platform.Connectors.Hotmart.Hosting;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddConnector(HotmartMapping.Source, connector => connector
    .AddHotmartApi()
    .AddWebhookReceiver<HotmartWebhookReceiver>());

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapConnectorEndpoints();

await app.RunPlatformAsync(args);
