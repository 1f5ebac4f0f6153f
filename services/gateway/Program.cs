using Platform.Gateway.Hosting;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayOptions();
builder.AddOperatorAuthentication();
builder.AddGatewayProxy();
builder.AddDownstreamReadiness();

var app = builder.Build();

// Order matters: correlation ids and error pages first, then who is calling, then how much they may send.
app.MapDefaultEndpoints();
app.UseOperatorAuthentication();
app.UseRequestSizeLimits();
app.MapGatewayProxy();

await app.RunPlatformAsync(args);
