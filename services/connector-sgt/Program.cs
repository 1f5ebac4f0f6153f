using Platform.Connectors.Hosting;
using Platform.Connectors.Sgt.Hosting;
using Platform.Connectors.Sgt.Mapping;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddConnector(SgtLeadMapping.Source, connector => connector.AddSgtApi());

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapConnectorEndpoints();

await app.RunPlatformAsync(args);
