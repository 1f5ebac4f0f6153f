using Microsoft.Extensions.Configuration;
using Platform.Connectors.LiveSettings;

namespace Platform.Connectors.Tests;

public class LiveSettingsTests
{
    private static (ConnectorCredentials Credentials, LiveSourceSettingsProvider Live) Build(params (string Key, string Value)[] seed)
    {
        var live = new LiveSourceSettingsProvider("stripe");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(seed.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Add(live)
            .Build();
        return (new ConnectorCredentials(configuration, new ConnectorDescriptor("stripe")), live);
    }

    private static Dictionary<string, Dictionary<string, string>> Workspaces(params (string Workspace, string Key, string Value)[] values) =>
        values.GroupBy(v => v.Workspace).ToDictionary(g => g.Key, g => g.ToDictionary(v => v.Key, v => v.Value));

    [Fact]
    public void A_workspace_connected_through_the_API_appears_and_a_rotated_key_replaces_the_seed_without_a_restart()
    {
        var (credentials, live) = Build(("Connectors:Stripe:Workspaces:demo:ApiKey", "sk_seed"));
        Assert.Equal(["demo"], credentials.Workspaces());

        var changed = live.Replace(Workspaces(("demo", "ApiKey", "sk_rotated"), ("blue", "ApiKey", "sk_blue"), ("blue", "WebhookSecret", "whsec_b")));

        Assert.True(changed);
        Assert.Equal("sk_rotated", credentials.For("demo")["ApiKey"]);
        Assert.Equal("whsec_b", credentials.For("blue")["WebhookSecret"]);
        Assert.Equal(["blue", "demo"], credentials.Workspaces().Order());
    }

    [Fact]
    public void The_same_settings_again_do_not_fire_a_reload()
    {
        var (_, live) = Build();
        var settings = Workspaces(("blue", "ApiKey", "sk_blue"));
        Assert.True(live.Replace(settings));
        var fired = false;
        live.GetReloadToken().RegisterChangeCallback(_ => fired = true, null);

        Assert.False(live.Replace(Workspaces(("blue", "ApiKey", "sk_blue"))));
        Assert.False(fired);
    }

    [Fact]
    public void A_written_back_token_is_visible_at_once_and_survives_a_refresh_read_before_the_write()
    {
        var (credentials, live) = Build();
        live.Replace(Workspaces(("ghl", "RefreshToken", "rt-1")));

        live.Set("ghl", "RefreshToken", "rt-2");
        Assert.Equal("rt-2", credentials.For("ghl")["RefreshToken"]);
        live.Replace(Workspaces(("ghl", "RefreshToken", "rt-1"))); // an answer the orchestrator sent before it stored rt-2
        Assert.Equal("rt-2", credentials.For("ghl")["RefreshToken"]);
        live.Replace(Workspaces(("ghl", "RefreshToken", "rt-3"))); // later answers win again
        Assert.Equal("rt-3", credentials.For("ghl")["RefreshToken"]);
    }

    [Fact]
    public void A_workspace_is_found_by_an_account_its_settings_list()
    {
        var (credentials, live) = Build(("Connectors:Stripe:Workspaces:seeded:LocationIds:0", "loc-9"));
        live.Replace(Workspaces(("blue", "LocationIds", "loc-1, loc-2"), ("tokeniza", "LocationIds", "loc-3")));

        Assert.Equal(["blue"], credentials.WorkspacesListing("LocationIds", "loc-2"));
        Assert.Equal(["seeded"], credentials.WorkspacesListing("LocationIds", "loc-9"));
        Assert.Empty(credentials.WorkspacesListing("LocationIds", "loc-"));
    }
}
