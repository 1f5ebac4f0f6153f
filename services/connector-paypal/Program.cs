using Platform.Connectors.Hosting;
using Platform.Connectors.PayPal.Hosting;
using Platform.Connectors.PayPal.Mapping;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddConnector(PayPalMapping.Source, connector => connector
    .AddPayPalApi());

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapConnectorEndpoints();

await app.RunPlatformAsync(args);
