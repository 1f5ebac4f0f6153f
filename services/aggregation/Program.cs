using Platform.Aggregation.Consumers;
using Platform.Aggregation.Endpoints;
using Platform.Aggregation.Hosting;
using Platform.Aggregation.Persistence;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPlatformDatabase<AggregationDbContext>(AggregationDbContext.Schema);
builder.AddAggregation();
builder.AddPlatformMessaging("aggregation", bus => bus.AddAggregationConsumers());

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapSalesEndpoints();
app.MapCustomerEndpoints();
app.MapCsCustomerEndpoints();
app.MapReportEndpoints();

await app.RunPlatformAsync(args);
