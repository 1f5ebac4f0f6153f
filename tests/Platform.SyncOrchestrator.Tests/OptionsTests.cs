using Microsoft.Extensions.Configuration;
using Platform.SyncOrchestrator.Hosting;

namespace Platform.SyncOrchestrator.Tests;

public sealed class OptionsTests
{
    private static OrchestratorOptions Bind(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(OrchestratorOptions.Section).Get<OrchestratorOptions>()
        ?? new OrchestratorOptions();

    [Fact]
    public void An_empty_webhook_url_means_no_webhook_and_retry_delays_default_when_unset()
    {
        var options = Bind(new() { ["SyncOrchestrator:Alerts:WebhookUrl"] = "", ["SyncOrchestrator:Alerts:StuckAfter"] = "00:05:00" });

        Assert.Null(options.Alerts.WebhookUrl);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Alerts.StuckAfter);
        Assert.Equal(AlertOptions.DefaultWebhookRetryDelays, options.Alerts.RetryDelays);
    }

    [Fact]
    public void Configured_retry_delays_replace_the_defaults_instead_of_adding_to_them()
    {
        var options = Bind(new() { ["SyncOrchestrator:Alerts:WebhookRetryDelays:0"] = "00:00:01" });

        Assert.Equal([TimeSpan.FromSeconds(1)], options.Alerts.RetryDelays);
    }
}
