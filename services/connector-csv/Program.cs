using Platform.Connectors.Csv.Hosting;
using Platform.Connectors.Files;
using Platform.Connectors.Hosting;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddConnector(CsvRegistration.Source, connector => connector
    .AddCsvFormats());

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapConnectorEndpoints();
app.MapFileImportEndpoints();

await app.RunPlatformAsync(args);
