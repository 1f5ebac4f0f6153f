using Platform.Connectors.Hosting;
using Platform.Connectors.Ploomes.Domain;
using Platform.Connectors.Ploomes.Hosting;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddConnector(PloomesMapping.Source, connector => connector
    .AddPloomesApi()
    .AddWebhookReceiver<PloomesWebhookReceiver>());

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapConnectorEndpoints();

await app.RunPlatformAsync(args);
