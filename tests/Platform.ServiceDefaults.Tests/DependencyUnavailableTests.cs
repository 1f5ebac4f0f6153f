using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Npgsql;
using Platform.ServiceDefaults;

namespace Platform.ServiceDefaults.Tests;

public sealed class DependencyUnavailableTests
{
    [Fact]
    public async Task A_request_that_cannot_reach_the_database_answers_503_with_Retry_After_not_500()
    {
        var closedPort = ClosedPort();
        await using var app = Build(async () =>
        {
            await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={closedPort};Username=x;Password=x;Timeout=2");
            await connection.OpenAsync();
            return Results.Ok();
        });
        await app.StartAsync();

        using var response = await app.GetTestClient().PostAsync("/probe", null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(DependencyUnavailableExceptionHandler.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        Assert.Contains("Retry in", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bug_still_answers_500()
    {
        await using var app = Build(() => throw new InvalidOperationException("a bug"));
        await app.StartAsync();

        using var response = await app.GetTestClient().PostAsync("/probe", null);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    private static WebApplication Build(Func<Task<IResult>> handler)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapPost("/probe", handler);
        return app;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
