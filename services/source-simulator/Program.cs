using Platform.ServiceDefaults;
using Platform.SourceSimulator.Endpoints;
using Platform.SourceSimulator.Hosting;
using Platform.SourceSimulator.ManyChat;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSourceSimulator();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapStripeEndpoints();
app.MapHotmartEndpoints();
app.MapPloomesEndpoints();
app.MapManyChatEndpoints();
app.MapSimulatorAdminEndpoints();

await app.RunPlatformAsync(args);
