using Platform.Connectors.Hosting;
using Platform.Connectors.Stripe.Domain;
using Platform.Connectors.Stripe.Mapping;
using Platform.Connectors.Stripe.Hosting;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddConnector(StripeMapping.Source, connector => connector
    .AddStripeApi()
    .AddWebhookReceiver<StripeWebhookReceiver>());

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapConnectorEndpoints();

await app.RunPlatformAsync(args);
