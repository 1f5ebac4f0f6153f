using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Connectors.Hosting;
using Platform.Connectors.Staging;
using Platform.Connectors.Webhooks;
using Platform.Contracts.Records;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.Connectors.Tests;

/// <summary>
/// A throwaway source built on the SDK the way GoHighLevel is: deliveries signed with RSA SHA-256 over the raw body
/// (<c>x-wh-signature</c>), verified asynchronously, naming their account (<c>locationId</c>) in the body.
/// </summary>
public sealed class LocatedWebhookFixture : IAsyncLifetime
{
    public const string Source = "located";
    public const string Workspace = "blue";
    public const string OtherWorkspace = "tokeniza";
    public const string SharedLocation = "loc-shared";

    public static readonly RSA Key = RSA.Create(2048);

    private WebApplication _app = null!;
    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The hosted connector's services (its staging store and data source).</summary>
    public IServiceProvider Services => _app.Services;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(Source);
        VirtualHost = await TestVirtualHost.CreateAsync(Source);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseTestServer();
        var publicKey = Key.ExportSubjectPublicKeyInfoPem();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(VirtualHost.Settings())
        {
            ["ConnectionStrings:Platform"] = Database.ConnectionString,
            [$"Connectors:{Source}:Workspaces:{Workspace}:LocationIds"] = "loc-blue-1, loc-blue-2," + SharedLocation,
            [$"Connectors:{Source}:Workspaces:{Workspace}:WebhookPublicKey"] = publicKey,
            [$"Connectors:{Source}:Workspaces:{OtherWorkspace}:LocationIds:0"] = "loc-tokeniza",
            [$"Connectors:{Source}:Workspaces:{OtherWorkspace}:LocationIds:1"] = SharedLocation,
            [$"Connectors:{Source}:Workspaces:{OtherWorkspace}:WebhookPublicKey"] = publicKey,
        });
        builder.AddServiceDefaults();
        builder.AddConnector(Source, connector => connector.AddWebhookReceiver<LocatedReceiver>());
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _app.MapConnectorEndpoints();
        await _app.StartAsync();
        Client = _app.GetTestClient();
    }

    public Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters) =>
        SchemaQuery.CountAsync(Database, $"connector-{Source}", sql, parameters);

    /// <summary>
    /// Holds the relay's lock until the returned connection is disposed: the fixture's relay publishes (and takes rows off
    /// the outbox) only under it, so what a test queues meanwhile stays queued.
    /// </summary>
    public async Task<NpgsqlConnection> HoldRelayAsync()
    {
        var connection = await Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var hold = new NpgsqlCommand("select pg_advisory_lock(hashtextextended('outbox-relay:' || current_schema(), 0))", connection);
        await hold.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>A delivery for <paramref name="locationId"/>, signed with <paramref name="key"/> (the vendor's by default).</summary>
    public static HttpRequestMessage Delivery(string locationId, string contactId, string url = $"/webhooks/{Source}", RSA? key = null,
        bool sign = true)
    {
        var body = $$"""{"type":"ContactCreate","webhookId":"{{Guid.NewGuid()}}","locationId":"{{locationId}}","id":"{{contactId}}","email":"x@example.com"}""";
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (sign)
        {
            var signature = (key ?? Key).SignData(Encoding.UTF8.GetBytes(body), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.Headers.Add(LocatedReceiver.SignatureHeader, Convert.ToBase64String(signature));
        }
        return request;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>The throwaway source's receiver: asynchronous RSA verification, the workspace from the body.</summary>
public sealed class LocatedReceiver : IWebhookReceiver, IWebhookWorkspaceLocator
{
    public const string SignatureHeader = "x-wh-signature";

    public IReadOnlyList<string> AccountFields { get; } = ["LocationIds"];

    public string? AccountOf(ReadOnlyMemory<byte> body, IHeaderDictionary headers)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("locationId", out var location) && location.ValueKind == JsonValueKind.String
                ? location.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async ValueTask<WebhookVerdict> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await Task.Yield(); // a vendor call would be here
        if (!WebhookSignatures.VerifyRsaSha256(request.Credentials["WebhookPublicKey"]!, request.Body.Span, request.Headers[SignatureHeader].ToString()))
        {
            return WebhookVerdict.Refuse("The x-wh-signature does not verify.");
        }
        using var document = JsonDocument.Parse(request.Body);
        return WebhookVerdict.Accept(document.RootElement.GetProperty("webhookId").GetString()!, document.RootElement.GetProperty("type").GetString()!);
    }

    public ValueTask<IReadOnlyList<StagedRecordInput>> MapAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var document = JsonDocument.Parse(request.Body);
        var id = document.RootElement.GetProperty("id").GetString()!;
        var record = new CanonicalRecord
        {
            Source = LocatedWebhookFixture.Source,
            EntityType = EntityType.Contact,
            ExternalId = id,
            SourceUpdatedAt = request.ReceivedAt,
        };
        return ValueTask.FromResult<IReadOnlyList<StagedRecordInput>>([new StagedRecordInput("contacts", request.BodyText, record)]);
    }
}
