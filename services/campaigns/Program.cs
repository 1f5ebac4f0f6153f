using Platform.Campaigns.Endpoints;
using Platform.Campaigns.Hosting;
using Platform.Campaigns.Privacy;
using Platform.Campaigns.Persistence;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPlatformDatabase<CampaignsDbContext>(CampaignsDbContext.Schema);
builder.AddCampaigns();
builder.AddCampaignsPrivacy();
builder.AddPlatformMessaging("campaigns", bus => bus.AddCampaignConsumers());

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapAudienceEndpoints();
app.MapTargetGroupEndpoints();
app.MapCampaignEndpoints();
app.MapExecutionEndpoints();
app.MapTrackingEndpoints();

await app.RunPlatformAsync(args);
