using System.Net;
using System.Net.Http.Json;
using Platform.Gateway.Tests.Support;

namespace Platform.Gateway.Tests;

public sealed class RequestSizeLimitTests(DownstreamServices services) : IClassFixture<DownstreamServices>
{
    private const int GeneralLimit = 1024;
    private const int ImportLimit = 8192;

    private GatewayFactory SmallLimitGateway(bool onKestrel = false)
    {
        var settings = services.Settings();
        settings["Gateway:MaxRequestBodyBytes"] = GeneralLimit.ToString();
        settings["Gateway:MaxImportBodyBytes"] = ImportLimit.ToString();
        return new GatewayFactory(settings, onKestrel: onKestrel);
    }

    [Theory]
    [InlineData("/api/syncs")]
    [InlineData("/webhooks/stripe")]
    public async Task A_body_over_the_limit_is_a_413_problem_details_and_never_reaches_the_service(string path)
    {
        await using var gateway = SmallLimitGateway();
        using var client = gateway.CreateOperatorClient();
        var probe = Guid.NewGuid().ToString("N");

        using var response = await client.PostAsync($"{path}?probe={probe}", new ByteArrayContent(new byte[GeneralLimit + 1]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("Request body too large", problem.Title);
        Assert.Contains(GeneralLimit.ToString(), problem.Detail, StringComparison.Ordinal);
        Assert.Empty(services.ReceivedWith(probe));
    }

    [Fact]
    public async Task A_body_at_the_limit_is_forwarded_whole()
    {
        await using var gateway = SmallLimitGateway();
        using var client = gateway.CreateOperatorClient();

        using var response = await client.PostAsync($"/api/syncs?probe={Guid.NewGuid():N}", new ByteArrayContent(new byte[GeneralLimit]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(GeneralLimit, (await response.Content.ReadFromJsonAsync<ReceivedRequest>())!.BodyLength);
    }

    [Fact]
    public async Task An_import_may_be_larger_than_other_calls_but_not_larger_than_its_own_limit()
    {
        await using var gateway = SmallLimitGateway();
        using var client = gateway.CreateOperatorClient();
        var probe = Guid.NewGuid().ToString("N");

        using var accepted = await client.PostAsync($"/api/imports/csv?probe={probe}", new ByteArrayContent(new byte[ImportLimit]));
        using var refused = await client.PostAsync($"/api/imports/csv?probe={probe}", new ByteArrayContent(new byte[ImportLimit + 1]));

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Contains(ImportLimit.ToString(), (await Problem.ReadAsync(refused)).Detail, StringComparison.Ordinal);
        var received = Assert.Single(services.ReceivedWith(probe));
        Assert.Equal("connector-csv", received.Service);
        Assert.Equal(ImportLimit, received.BodyLength);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_cut_off_with_a_413_problem_details()
    {
        await using var gateway = SmallLimitGateway(onKestrel: true);
        // A plain client: the factory's own client buffers bodies (to replay redirects) and so sends Content-Length.
        using var client = new HttpClient { BaseAddress = gateway.CreateClient().BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/syncs?probe={Guid.NewGuid():N}")
        {
            Content = new UnknownLengthContent(new byte[GeneralLimit * 64]),
        };
        request.Headers.Add("X-Api-Key", GatewayFactory.OperatorKey);

        using var response = await client.SendAsync(request);

        Assert.Null(request.Content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("Request body too large", (await Problem.ReadAsync(response)).Title);
    }
}
