using Platform.Gateway.DeadLetters;
using Platform.Gateway.Hosting;
using Platform.Gateway.Keys;
using Platform.Gateway.Privacy;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayOptions();
builder.AddOperatorKeys();
builder.AddOperatorAuthentication();
builder.AddGatewayProxy();
builder.AddDownstreamReadiness();
builder.AddCommandCenter();
builder.AddDeadLetterOverview();
builder.AddGatewayRateLimits();
builder.AddPrivacyRequests();

var app = builder.Build();

// Order matters: correlation ids and error pages first, then who is calling, then which workspace, then how much they may send.
app.MapDefaultEndpoints();
app.UseOperatorAuthentication();
app.UseGatewayRateLimits();
app.UseWorkspaceGuard();
app.UseRequestSizeLimits();
app.MapGatewayProxy();
app.MapCommandCenter();
app.MapDeadLetterEndpoints();
app.MapKeyEndpoints();
app.MapPrivacyEndpoints();

await app.RunPlatformAsync(args);
