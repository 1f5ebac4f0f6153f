using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Platform.SourceSimulator.Tests.Support;

namespace Platform.SourceSimulator.Tests;

/// <summary>HighLevel's OAuth as the simulator plays it: every refresh rotates the refresh token and kills the old one.</summary>
public sealed class GhlOAuthTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = fixture.Api;

    private async Task<(string Location, JsonObject App)> InstallAsync(int? accessTokenUses = null)
    {
        var location = $"Loc{Guid.NewGuid():N}"[..20];
        await _api.CreateAccountAsync("gohighlevel", $"{location}:pit-{Guid.NewGuid():N}", size: 20);
        return (location, await _api.PostAsync("/_simulator/gohighlevel/installations", new { locationId = location, accessTokenUses }));
    }

    private async Task<HttpResponseMessage> RefreshAsync(JsonObject app, string refreshToken, string? secret = null)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = (string)app["clientId"]!,
            ["client_secret"] = secret ?? (string)app["clientSecret"]!,
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["user_type"] = "Location",
        });
        return await _api.Http.PostAsync("/oauth/token", form);
    }

    private async Task<HttpResponseMessage> CustomFieldsAsync(string location, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/locations/{location}/customFields");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Add("Version", "2021-07-28");
        return await _api.Http.SendAsync(request);
    }

    [Fact]
    public async Task A_refresh_answers_a_new_refresh_token_and_the_old_one_is_refused_with_invalid_grant()
    {
        var (location, app) = await InstallAsync();
        var first = (string)app["refreshToken"]!;

        using var refreshed = await RefreshAsync(app, first);
        var pair = (await refreshed.Content.ReadFromJsonAsync<JsonObject>())!;
        using var reused = await RefreshAsync(app, first);
        using var next = await RefreshAsync(app, (string)pair["refresh_token"]!);

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.NotEqual(first, (string)pair["refresh_token"]!);
        Assert.Equal(location, (string)pair["locationId"]!);
        Assert.Equal("Location", (string)pair["userType"]!);
        Assert.True((long)pair["expires_in"]! > 0);
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        var error = (await reused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("invalid_grant", (string)error["error"]!);
        Assert.Equal("Invalid grant: refresh token is invalid", (string)error["error_description"]!);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        var installation = await _api.Http.GetFromJsonAsync<JsonObject>($"/_simulator/gohighlevel/installations/{location}");
        Assert.Equal(2, (int)installation!["rotations"]!);
        Assert.Equal(1, (int)installation["refusedRefreshTokens"]!);
    }

    [Fact]
    public async Task An_access_token_works_on_its_location_until_it_expires_then_gets_401()
    {
        var (location, app) = await InstallAsync(accessTokenUses: 1);
        using var refreshed = await RefreshAsync(app, (string)app["refreshToken"]!);
        var access = (string)(await refreshed.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!;

        using var first = await CustomFieldsAsync(location, access);
        using var second = await CustomFieldsAsync(location, access);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal("Invalid JWT", (string)(await second.Content.ReadFromJsonAsync<JsonObject>())!["message"]!);
    }

    [Fact]
    public async Task A_wrong_client_secret_is_refused_with_invalid_client_and_the_refresh_token_stays_alive()
    {
        var (_, app) = await InstallAsync();
        var token = (string)app["refreshToken"]!;

        using var refused = await RefreshAsync(app, token, secret: "not-the-secret");
        using var accepted = await RefreshAsync(app, token);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("invalid_client", (string)(await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }
}
