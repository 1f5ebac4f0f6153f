using Platform.Connectors.Hosting;
using Platform.Connectors.PayPal.Hosting;
using Platform.Connectors.PayPal.Mapping;
using Platform.Connectors.PayPal.Webhooks;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddConnector(PayPalMapping.Source, connector => connector
    .AddPayPalApi()
    .AddWebhookReceiver<PayPalWebhookReceiver>());

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapConnectorEndpoints();

await app.RunPlatformAsync(args);
