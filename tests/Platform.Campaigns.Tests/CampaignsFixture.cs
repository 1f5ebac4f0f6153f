using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Npgsql;
using Platform.Contracts.Aggregation;
using Platform.Contracts.IdentityResolution;
using Platform.Contracts.Records;
using Platform.Testing;

namespace Platform.Campaigns.Tests;

[CollectionDefinition(Name)]
public sealed class CampaignsHost : ICollectionFixture<CampaignsFixture>
{
    public const string Name = "campaigns";
}

/// <summary>
/// The service hosted in-process on its own database and virtual host, sending to a real SMTP server; a bare bus
/// publishes identity resolution's and aggregation's events into the same virtual host. Each test owns its workspace.
/// </summary>
public sealed class CampaignsFixture : IAsyncLifetime
{
    public const string TrackingBase = "http://track.campaigns.test";
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public SmtpServer Smtp { get; private set; } = null!;
    public ServiceFactory<Program> Service { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public IBusControl Publisher { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("campaigns");
        VirtualHost = await TestVirtualHost.CreateAsync("campaigns");
        Smtp = await SmtpServer.StartAsync();
        Service = new ServiceFactory<Program>(Database, VirtualHost, Settings(Smtp.Port));
        Http = Service.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await WaitUntilReadyAsync(Http);
        Publisher = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(TestEnvironment.RabbitHost, TestEnvironment.RabbitPort, VirtualHost.Name, h =>
        {
            h.Username(TestEnvironment.RabbitUser);
            h.Password(TestEnvironment.RabbitPassword);
        }));
        await Publisher.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
    }

    /// <summary>What a test host (in-process or a real process) is configured with.</summary>
    public static Dictionary<string, string?> Settings(int smtpPort) => new()
    {
        ["Campaigns:TrackingBaseUrl"] = TrackingBase,
        ["Campaigns:Smtp:Host"] = "127.0.0.1",
        ["Campaigns:Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Campaigns:Smtp:Security"] = "None",
        ["Campaigns:Delivery:PollSeconds"] = "0.2",
        ["Campaigns:Delivery:LeaseSeconds"] = "2",
    };

    public static async Task WaitUntilReadyAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                last = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode && JsonDocument.Parse(last).RootElement.GetProperty("status").GetString() == "Healthy")
                {
                    return;
                }
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"campaigns was not ready: {last}");
    }

    public static string NewWorkspace() => "ws-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// Publishes a person as identity resolution and aggregation would: a client with an email (or none) and, when
    /// they bought, <paramref name="purchases"/> sales every <paramref name="everyDays"/> days, the last one
    /// <paramref name="lastDaysAgo"/> days ago.
    /// </summary>
    public static IEnumerable<object> Person(string workspace, Guid client, string? email, int purchases = 0, int everyDays = 30, int lastDaysAgo = 0,
        decimal revenue = 100m, string? firstName = null, string? manychatId = null)
    {
        var now = DateTimeOffset.UtcNow;
        yield return new ClientUpdated
        {
            WorkspaceId = workspace,
            CorrelationId = Guid.NewGuid(),
            ClientId = client,
            Version = 1,
            Kind = "person",
            DisplayName = firstName is null ? null : firstName + " Silva",
            FirstName = firstName,
            PrimaryEmail = email,
            Identifiers = manychatId is null ? [] : [new Identifier(IdentifierKinds.ManychatSubscriberId, manychatId)],
            RecordCount = 1,
            UpdatedAt = now,
        };
        if (purchases > 0)
        {
            yield return new CustomerSalesUpdated
            {
                WorkspaceId = workspace,
                CorrelationId = Guid.NewGuid(),
                ClientId = client,
                Currency = "BRL",
                TotalDeals = 0,
                WonDeals = 0,
                TotalSales = purchases,
                TotalRevenue = revenue,
                AverageDealValue = revenue / purchases,
                FirstPurchaseAt = now.AddDays(-lastDaysAgo - (everyDays * (purchases - 1))),
                LastPurchaseAt = now.AddDays(-lastDaysAgo),
            };
        }
    }

    public async Task PublishAsync(IEnumerable<object> messages)
    {
        foreach (var message in messages)
        {
            await Publisher.Publish(message, message.GetType());
        }
    }

    /// <summary>Publishes and waits until the audience copy holds every published person of the workspace with their sales.</summary>
    public async Task SeedAsync(string workspace, IReadOnlyCollection<object> messages)
    {
        await PublishAsync(messages);
        var members = messages.OfType<ClientUpdated>().Count();
        var sales = messages.OfType<CustomerSalesUpdated>().Count();
        await EventuallyAsync(async () =>
            await ScalarAsync<long>("select count(*) from audience_members where workspace_id = @w and version > 0", ("w", workspace)) == members
            && await ScalarAsync<long>("select count(*) from audience_sales where workspace_id = @w", ("w", workspace)) == sales,
            $"the audience copy of {workspace} to hold {members} people and {sales} sales rows");
    }

    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }
            await Task.Delay(100);
        }
    }

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        var builder = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { SearchPath = "campaigns" };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task<T> GetJsonAsync<T>(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    public async Task<JsonElement> PostJsonAsync(string path, object body, System.Net.HttpStatusCode expected)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, Json);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"POST {path}: expected {(int)expected}, got {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        if (Publisher is not null)
        {
            await Publisher.StopAsync();
        }
        Http?.Dispose();
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }
        if (Smtp is not null)
        {
            await Smtp.DisposeAsync();
        }
        if (VirtualHost is not null)
        {
            await VirtualHost.DisposeAsync();
        }
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }
    }
}
