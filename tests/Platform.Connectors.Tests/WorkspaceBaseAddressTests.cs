using Microsoft.Extensions.Configuration;
using Platform.Connectors.Http;

namespace Platform.Connectors.Tests;

/// <summary>A workspace's own API base address (its source settings' baseAddress) moves its requests, and only its.</summary>
public sealed class WorkspaceBaseAddressTests
{
    private sealed class Capture : HttpMessageHandler
    {
        public List<Uri> Sent { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sent.Add(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }

    private static (HttpClient Client, Capture Sent) Client(Dictionary<string, string?> settings)
    {
        var credentials = new ConnectorCredentials(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), new ConnectorDescriptor("stripe"));
        var capture = new Capture();
        var handler = new WorkspaceBaseAddressHandler(credentials, new Uri("https://api.stripe.com")) { InnerHandler = capture };
        return (new HttpClient(handler) { BaseAddress = new Uri("https://api.stripe.com/") }, capture);
    }

    private static async Task SendAsync(HttpClient client, string workspace, string uri)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri).ForWorkspace(workspace);
        using var response = await client.SendAsync(request);
    }

    [Fact]
    public async Task A_workspace_with_a_base_address_is_sent_there_with_its_path_and_query_and_the_others_go_to_the_vendor()
    {
        var (client, capture) = Client(new()
        {
            ["Connectors:stripe:Workspaces:blue:BaseAddress"] = "http://127.0.0.1:5080/stripe",
            ["Connectors:stripe:Workspaces:blue:ApiKey"] = "sk_test_x",
            ["Connectors:stripe:Workspaces:tokeniza:ApiKey"] = "sk_live_y",
            ["Connectors:stripe:Workspaces:odd:BaseAddress"] = "ftp://files.example.com/",
        });

        await SendAsync(client, "blue", "v1/customers?limit=100&starting_after=cus_1");
        await SendAsync(client, "tokeniza", "v1/customers?limit=100");
        await SendAsync(client, "odd", "v1/charges");
        await SendAsync(client, "blue", "https://connect.stripe.com/oauth/token");

        Assert.Equal(
        [
            new Uri("http://127.0.0.1:5080/stripe/v1/customers?limit=100&starting_after=cus_1"),
            new Uri("https://api.stripe.com/v1/customers?limit=100"),
            new Uri("https://api.stripe.com/v1/charges"), // not http(s): ignored
            new Uri("https://connect.stripe.com/oauth/token"), // another host: stays
        ], capture.Sent);
    }
}
