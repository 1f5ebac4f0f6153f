using System.Net.Http.Headers;
using System.Text;

namespace Platform.Testing;

/// <summary>A RabbitMQ virtual host created for one test class (its own exchanges and queues) and deleted after it.</summary>
public sealed class TestVirtualHost : IAsyncDisposable
{
    private readonly HttpClient _management;

    private TestVirtualHost(string name, HttpClient management)
    {
        Name = name;
        _management = management;
    }

    public string Name { get; }

    public static async Task<TestVirtualHost> CreateAsync(string prefix)
    {
        var name = $"t-{prefix}-{Guid.NewGuid():N}";
        var http = new HttpClient { BaseAddress = new Uri($"http://{TestEnvironment.RabbitHost}:{TestEnvironment.RabbitManagementPort}/api/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestEnvironment.RabbitUser}:{TestEnvironment.RabbitPassword}")));
        var vhost = Uri.EscapeDataString(name);
        (await http.PutAsync($"vhosts/{vhost}", new StringContent("{}", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        var permissions = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
        (await http.PutAsync($"permissions/{vhost}/{Uri.EscapeDataString(TestEnvironment.RabbitUser)}", permissions)).EnsureSuccessStatusCode();
        return new TestVirtualHost(name, http);
    }

    /// <summary>Configuration for a service host pointing at this virtual host.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("RabbitMq:Host", TestEnvironment.RabbitHost),
        new("RabbitMq:Port", TestEnvironment.RabbitPort.ToString()),
        new("RabbitMq:VirtualHost", Name),
        new("RabbitMq:Username", TestEnvironment.RabbitUser),
        new("RabbitMq:Password", TestEnvironment.RabbitPassword),
    ];

    /// <summary>Messages ready and unacknowledged in one queue of this virtual host (0 when it does not exist yet).</summary>
    public async Task<long> QueueMessageCountAsync(string queue)
    {
        using var response = await _management.GetAsync($"queues/{Uri.EscapeDataString(Name)}/{Uri.EscapeDataString(queue)}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return 0;
        }
        response.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        return json.RootElement.TryGetProperty("messages", out var messages) && messages.ValueKind == System.Text.Json.JsonValueKind.Number
            ? messages.GetInt64()
            : 0;
    }

    /// <summary>Messages (ready and unacknowledged) in every queue of this virtual host, by queue; the management counters lag a few seconds.</summary>
    public async Task<IReadOnlyDictionary<string, long>> QueueDepthsAsync()
    {
        using var json = System.Text.Json.JsonDocument.Parse(await _management.GetStringAsync($"queues/{Uri.EscapeDataString(Name)}?columns=name,messages"));
        return json.RootElement.EnumerateArray().ToDictionary(
            q => q.GetProperty("name").GetString()!,
            q => q.TryGetProperty("messages", out var m) && m.ValueKind == System.Text.Json.JsonValueKind.Number ? m.GetInt64() : 0);
    }

    /// <summary>The bodies of up to <paramref name="count"/> messages of one queue, left in it (requeued).</summary>
    public async Task<IReadOnlyList<string>> PeekAsync(string queue, int count = 100)
    {
        var body = new StringContent(
            $$"""{"count":{{count}},"ackmode":"ack_requeue_true","encoding":"auto","truncate":1000000}""", Encoding.UTF8, "application/json");
        using var response = await _management.PostAsync($"queues/{Uri.EscapeDataString(Name)}/{Uri.EscapeDataString(queue)}/get", body);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return [];
        }
        response.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        return json.RootElement.EnumerateArray().Select(m => m.GetProperty("payload").GetString() ?? "").ToList();
    }

    /// <summary>Declares <paramref name="queue"/> (if it does not exist) and puts <paramref name="count"/> messages in it, unconsumed.</summary>
    public async Task FillQueueAsync(string queue, int count)
    {
        var vhost = Uri.EscapeDataString(Name);
        using var declare = new StringContent("""{"durable":false,"auto_delete":false}""", Encoding.UTF8, "application/json");
        (await _management.PutAsync($"queues/{vhost}/{Uri.EscapeDataString(queue)}", declare)).EnsureSuccessStatusCode();
        for (var i = 0; i < count; i++)
        {
            using var publish = new StringContent(
                System.Text.Json.JsonSerializer.Serialize(new { properties = new { }, routing_key = queue, payload = $"filler {i}", payload_encoding = "string" }),
                Encoding.UTF8, "application/json");
            (await _management.PostAsync($"exchanges/{vhost}/amq.default/publish", publish)).EnsureSuccessStatusCode();
        }
    }

    /// <summary>Empties <paramref name="queue"/> (its consumers caught up).</summary>
    public async Task PurgeQueueAsync(string queue)
    {
        using var response = await _management.DeleteAsync($"queues/{Uri.EscapeDataString(Name)}/{Uri.EscapeDataString(queue)}/contents");
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        using var _ = await _management.DeleteAsync($"vhosts/{Uri.EscapeDataString(Name)}");
        _management.Dispose();
    }
}
