using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.SourceSimulator.Accounts;
using Platform.SourceSimulator.Endpoints;
using Platform.SourceSimulator.ManyChat;
using Platform.SourceSimulator.Traffic;
using Platform.SourceSimulator.Webhooks;

namespace Platform.SourceSimulator.Hosting;

internal static class SimulatorHostingExtensions
{
    /// <summary>Accounts and their datasets, traffic stats, rate limits, faults, Hotmart tokens and the webhook sender. No database, no bus.</summary>
    public static IHostApplicationBuilder AddSourceSimulator(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<SimulatorOptions>(builder.Configuration.GetSection(SimulatorOptions.Section));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AccountRegistry>();
        builder.Services.AddSingleton<TrafficStats>();
        builder.Services.AddSingleton<FaultInjector>();
        builder.Services.AddSingleton<VendorGate>();
        builder.Services.AddSingleton<HotmartTokens>();
        builder.Services.AddSingleton<ManyChatAccounts>();
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddHttpClient(WebhookSender.HttpClientName);
        builder.Services.AddHostedService<AccountWarmup>();
        return builder;
    }
}
