using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.SourceSimulator.Accounts;
using Platform.SourceSimulator.Endpoints;
using Platform.SourceSimulator.ManyChat;
using Platform.SourceSimulator.Traffic;
using Platform.SourceSimulator.GoHighLevel;
using Platform.SourceSimulator.PayPal;
using Platform.SourceSimulator.Webhooks;

namespace Platform.SourceSimulator.Hosting;

internal static class SimulatorHostingExtensions
{
    /// <summary>Accounts and their datasets, traffic stats, rate limits, faults, Hotmart tokens and the webhook sender. No database, no bus.</summary>
    public static IHostApplicationBuilder AddSourceSimulator(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<SimulatorOptions>(builder.Configuration.GetSection(SimulatorOptions.Section));
        // --ghl-contacts 217324: the demo GoHighLevel location holds that many contacts (generated as they are read).
        if (int.TryParse(builder.Configuration["ghl-contacts"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var contacts))
        {
            builder.Services.PostConfigure<SimulatorOptions>(options =>
            {
                foreach (var account in options.Accounts.Where(a => Vendors.TryParse(a.Source, out var v) && v == Vendor.GoHighLevel))
                {
                    account.Size = contacts;
                }
            });
        }
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AccountRegistry>();
        builder.Services.AddSingleton<TrafficStats>();
        builder.Services.AddSingleton<FaultInjector>();
        builder.Services.AddSingleton<VendorGate>();
        builder.Services.AddSingleton<HotmartTokens>();
        builder.Services.AddSingleton<PayPalTokens>();
        builder.Services.AddSingleton<GhlWebhookKey>();
        builder.Services.AddSingleton<GhlOAuth>();
        builder.Services.AddSingleton<PayPalWebhookKey>();
        builder.Services.AddSingleton<ManyChatAccounts>();
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddHttpClient(WebhookSender.HttpClientName);
        builder.Services.AddHostedService<AccountWarmup>();
        return builder;
    }
}
