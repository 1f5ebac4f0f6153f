using Platform.Testing;

namespace Platform.Connectors.Stripe.Tests;

/// <summary>connector-stripe hosted on a real database and virtual host, with a subscriber on RawRecordStaged.</summary>
public sealed class StripeConnectorFixture() : ConnectorHostFixture<Program>("stripe")
{
    public const string Workspace = "acme";
    public const string Secret = "whsec_fixture_secret";

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        [$"Connectors:Stripe:Workspaces:{Workspace}:WebhookSecret"] = Secret,
        ["Connector:Webhooks:MaxBodyBytes"] = "65536",
    };
}
