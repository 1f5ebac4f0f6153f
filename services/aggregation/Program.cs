using Platform.Aggregation.Consumers;
using Platform.Aggregation.Endpoints;
using Platform.Aggregation.Hosting;
using Platform.Aggregation.Persistence;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
// Its batches' temp tables empty at commit and its locks are transaction-scoped: created once a connection, kept.
builder.AddPlatformDatabase<AggregationDbContext>(AggregationDbContext.Schema, sessionSetup: AggregationStore.TempTablesSql);
builder.AddAggregation();
builder.AddPlatformMessaging("aggregation", bus => bus.AddAggregationConsumers());

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapSalesEndpoints();
app.MapCustomerEndpoints();
app.MapCsCustomerEndpoints();
app.MapReportEndpoints();

await app.RunPlatformAsync(args);
