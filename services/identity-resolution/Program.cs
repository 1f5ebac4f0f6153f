using MassTransit;
using Platform.IdentityResolution.Consumers;
using Platform.IdentityResolution.Endpoints;
using Platform.IdentityResolution.Hosting;
using Platform.IdentityResolution.Persistence;
using Platform.IdentityResolution.Privacy;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPlatformDatabase<IdentityDbContext>("identity-resolution");
builder.AddIdentityResolution();
builder.AddWorkspaceRecompute();
builder.AddIdentityPrivacy();
builder.AddPlatformMessaging("identity-resolution", bus =>
{
    bus.AddConsumer<RawRecordStagedConsumer, RawRecordStagedConsumerDefinition>();
    bus.AddConsumer<RawRecordsStagedConsumer, RawRecordsStagedConsumerDefinition>();
});

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapClientEndpoints();
app.MapConflictEndpoints();
app.MapIdentityEndpoints();
app.MapRecomputeEndpoints();
app.MapPrivacyLookupEndpoints();

await app.RunPlatformAsync(args);
