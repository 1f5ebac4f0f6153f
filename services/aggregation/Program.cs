using Platform.Aggregation.Consumers;
using Platform.Aggregation.Endpoints;
using Platform.Aggregation.Hosting;
using Platform.Aggregation.Persistence;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
// Its batches' temp tables empty at commit and its locks are transaction-scoped: kept per connection, not rebuilt a batch.
builder.AddPlatformDatabase<AggregationDbContext>(AggregationDbContext.Schema, keepSessionState: true);
builder.AddAggregation();
builder.AddPlatformMessaging("aggregation", bus => bus.AddAggregationConsumers());

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapSalesEndpoints();
app.MapCustomerEndpoints();
app.MapCsCustomerEndpoints();
app.MapReportEndpoints();

await app.RunPlatformAsync(args);
