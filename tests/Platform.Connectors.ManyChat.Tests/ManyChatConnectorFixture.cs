using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts.Connectors;
using Platform.Testing;

namespace Platform.Connectors.ManyChat.Tests;

/// <summary>
/// connector-manychat in-process on its own database and virtual host, talking to the source simulator (a real process)
/// as ManyChat; two workspaces with their own pages. Limits are ManyChat's own (the simulator enforces them too).
/// </summary>
public sealed class ManyChatConnectorFixture() : ConnectorHostFixture<Program>("manychat")
{
    public const string LookupWorkspace = "mc-lookup";
    public const string TagsWorkspace = "mc-tags";
    public const string LookupToken = "1001:lookup-key";
    public const string TagsToken = "1002:tags-key";
    public const string ActionsWorkspace = "mc-actions";
    public const string ActionsToken = "1003:actions-key";

    public ServiceProcess Simulator { get; private set; } = null!;
    public BusProbe<SyncCompleted> Completed { get; private set; } = null!;
    public BusProbe<SyncFailed> Failed { get; private set; } = null!;

    protected override async Task BeforeHostAsync()
    {
        Simulator = await ServiceProcess.StartAsync("source-simulator", "Platform.SourceSimulator", new Dictionary<string, string?>
        {
            ["Simulator__WarmUp"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
        });
        using var http = SimulatorClient();
        foreach (var token in new[] { LookupToken, TagsToken, ActionsToken })
        {
            using var created = await http.PostAsJsonAsync("_simulator/manychat/accounts", new { token, seed = 7, size = 50, rateScale = 1.0 });
            created.EnsureSuccessStatusCode();
        }
    }

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Connectors:ManyChat:Http:BaseAddress"] = Simulator.Address.ToString(),
        ["Connectors:ManyChat:Http:RetryBaseDelay"] = "00:00:00.050",
        ["Connectors:ManyChat:Http:RetryMaxDelay"] = "00:00:00.500",
        [$"Connectors:ManyChat:Workspaces:{LookupWorkspace}:Token"] = LookupToken,
        [$"Connectors:ManyChat:Workspaces:{TagsWorkspace}:Token"] = TagsToken,
        [$"Connectors:ManyChat:Workspaces:{ActionsWorkspace}:Token"] = ActionsToken,
        ["Connectors:ManyChat:TagPushes:PollInterval"] = "00:00:00.200",
        ["Connectors:ManyChat:TagPushes:RetryDelay"] = "00:00:00.200",
        ["Connector:Backfill:PollInterval"] = "00:00:00.200",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Completed = await BusProbe<SyncCompleted>.StartAsync(VirtualHost);
        Failed = await BusProbe<SyncFailed>.StartAsync(VirtualHost);
    }

    public HttpClient SimulatorClient() => new() { BaseAddress = Simulator.Address, Timeout = TimeSpan.FromSeconds(30) };

    public async Task<JsonElement> AddSubscriberAsync(string pageId, object subscriber)
    {
        using var http = SimulatorClient();
        using var response = await http.PostAsJsonAsync($"_simulator/manychat/accounts/{pageId}/subscribers", subscriber);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement[]> FlowCallsAsync(string pageId)
    {
        using var http = SimulatorClient();
        return (await http.GetFromJsonAsync<JsonElement[]>($"_simulator/manychat/accounts/{pageId}/flow-calls"))!;
    }

    public async Task<JsonElement[]> TagCallsAsync(string pageId)
    {
        using var http = SimulatorClient();
        return (await http.GetFromJsonAsync<JsonElement[]>($"_simulator/manychat/accounts/{pageId}/tag-calls"))!;
    }

    public override async Task DisposeAsync()
    {
        await Completed.DisposeAsync();
        await Failed.DisposeAsync();
        await base.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}
