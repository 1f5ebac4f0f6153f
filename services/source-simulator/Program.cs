using Platform.ServiceDefaults;
using Platform.SourceSimulator.Endpoints;
using Platform.SourceSimulator.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSourceSimulator();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapStripeEndpoints();
app.MapHotmartEndpoints();
app.MapPloomesEndpoints();
app.MapSgtEndpoints();
app.MapSimulatorAdminEndpoints();

await app.RunPlatformAsync(args);
