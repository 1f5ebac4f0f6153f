using Platform.Connectors.GoHighLevel.Hosting;
using Platform.Connectors.GoHighLevel.Mapping;
using Platform.Connectors.GoHighLevel.Webhooks;
using Platform.Connectors.Hosting;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddConnector(GhlMapping.Source, connector => connector
    .AddGoHighLevelApi()
    .AddWebhookReceiver<GhlWebhookReceiver>());

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapConnectorEndpoints();

await app.RunPlatformAsync(args);
