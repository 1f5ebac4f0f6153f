using Platform.ServiceDefaults;
using Platform.SourceSimulator.Endpoints;
using Platform.SourceSimulator.Hosting;
using Platform.SourceSimulator.GoHighLevel;
using Platform.SourceSimulator.PayPal;
using Platform.SourceSimulator.ManyChat;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSourceSimulator();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapStripeEndpoints();
app.MapHotmartEndpoints();
app.MapPloomesEndpoints();
app.MapGoHighLevelEndpoints();
app.MapPayPalEndpoints();
app.MapSgtEndpoints();
app.MapManyChatEndpoints();
app.MapSimulatorAdminEndpoints();

await app.RunPlatformAsync(args);
