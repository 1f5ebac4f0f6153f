using Dapper;
using MassTransit;
using Platform.Campaigns.Consumers;
using Platform.Campaigns.Delivery;
using Platform.Campaigns.Domain;
using Platform.Campaigns.Persistence;

namespace Platform.Campaigns.Hosting;

internal static class CampaignsRegistration
{
    /// <summary>Settings (section <c>Campaigns</c>), the stores, the senders and the delivery worker.</summary>
    public static IHostApplicationBuilder AddCampaigns(this IHostApplicationBuilder builder)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        var options = builder.Configuration.GetSection(CampaignsOptions.Section).Get<CampaignsOptions>() ?? new CampaignsOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<AudienceStore>();
        builder.Services.AddSingleton<DefinitionStore>();
        builder.Services.AddSingleton<ExecutionStore>();
        builder.Services.AddSingleton<DeliveryStore>();
        builder.Services.AddSingleton<TrackingStore>();
        builder.Services.AddSingleton<DeliverySignal>();
        builder.Services.AddSingleton<CampaignLauncher>();
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddSingleton<ManyChatSender>();
        builder.Services.AddHttpClient(WebhookSender.HttpClientName,
            client => client.Timeout = TimeSpan.FromSeconds(Math.Max(1, options.Delivery.WebhookTimeoutSeconds)));
        builder.Services.AddHostedService<DeliveryWorker>();
        return builder;
    }

    /// <summary>The audience copy's events, the erasures and the ManyChat connector's answers.</summary>
    public static IBusRegistrationConfigurator AddCampaignConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ClientUpdatedConsumer>();
        bus.AddConsumer<RecordLinkedConsumer>();
        bus.AddConsumer<CustomerSalesUpdatedConsumer>();
        bus.AddConsumer<CustomerBecameClientConsumer>();
        bus.AddConsumer<ClientsMergedConsumer>();
        bus.AddConsumer<ClientErasedConsumer>();
        bus.AddConsumer<ManyChatActionCompletedConsumer>();
        bus.AddConsumer<ManyChatActionFailedConsumer>();
        return bus;
    }
}
