using Platform.ServiceDefaults;
using Platform.SyncOrchestrator.Endpoints;
using Platform.SyncOrchestrator.Hosting;
using Platform.SyncOrchestrator.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPlatformDatabase<OrchestratorDbContext>(OrchestratorDbContext.Schema);
builder.AddSyncOrchestrator();
builder.AddSourceConnections();
builder.AddPlatformMessaging("sync-orchestrator", bus => bus.AddSyncEventConsumers());
builder.AddOrchestratorWorkers();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapSyncEndpoints();
app.MapSourceEndpoints();
app.MapUnifyEndpoints();
app.MapScheduleEndpoints();
app.MapAlertEndpoints();
app.MapWorkspaceEndpoints();
app.MapInternalSettingsEndpoints();

await app.RunPlatformAsync(args);
