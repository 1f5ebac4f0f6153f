using Platform.Connectors.Hosting;
using Platform.Connectors.ManyChat.Hosting;
using Platform.Connectors.ManyChat.Outbound;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddConnector(ManyChatRegistration.Source, connector => connector
    .AddManyChatApi()
    .AddSubscriberLookup()
    .AddTagPushes()
    .AddCampaignActions(),
    consumers: ManyChatRegistration.AddOutboundConsumers);

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapConnectorEndpoints();
app.MapManyChatEndpoints();

await app.RunPlatformAsync(args);
