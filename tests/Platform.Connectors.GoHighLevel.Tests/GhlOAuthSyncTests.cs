using MassTransit;
using Platform.Contracts.Connectors;
using Platform.Contracts.Syncs;

namespace Platform.Connectors.GoHighLevel.Tests;

/// <summary>
/// A workspace connected as a Marketplace app installation: HighLevel answers every refresh with a new refresh token and
/// kills the old one, so each one must reach the workspace's stored settings before the next refresh, or the next
/// process start is locked out.
/// </summary>
public sealed class GhlOAuthSyncTests(GhlOAuthFixture fixture) : IClassFixture<GhlOAuthFixture>
{
    private static readonly string[] Contacts = ["contacts"];

    private async Task<(SyncCompleted? Completed, SyncFailed? Failed)> SyncAsync(string workspace)
    {
        var run = NewId.NextGuid();
        var endpoint = await fixture.Staged.Bus.GetSendEndpoint(ConnectorQueues.For("gohighlevel"));
        await endpoint.Send(new StartSync
        {
            WorkspaceId = workspace, CorrelationId = run, SyncRunId = run, Source = "gohighlevel", Mode = SyncMode.Full, Streams = Contacts,
        });
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (fixture.Completed.Received.FirstOrDefault(c => c.SyncRunId == run) is { } completed)
            {
                return (completed, null);
            }
            if (fixture.Failed.Received.FirstOrDefault(f => f.SyncRunId == run) is { } failed)
            {
                return (null, failed);
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"sync {run} of {workspace} neither completed nor failed in 90 s:{Environment.NewLine}{fixture.Logs()}");
    }

    private Task<long> ContactsStaged(string workspace) =>
        fixture.CountAsync("select count(distinct external_id) from raw_records where workspace_id = @ws and stream = 'contacts'", ("ws", workspace));

    [Fact]
    public async Task A_sync_whose_refresh_token_rotates_twice_stores_the_newest_and_a_restarted_connector_goes_on_with_it()
    {
        const string Workspace = GhlOAuthFixture.Workspace;

        var (completed, failed) = await SyncAsync(Workspace);

        Assert.True(failed is null, $"the sync failed: {failed?.ErrorCode} {failed?.Reason}");
        Assert.Equal(GhlOAuthFixture.Contacts, Assert.Single(completed!.Streams).RecordsStaged);
        Assert.Equal(GhlOAuthFixture.Contacts, await ContactsStaged(Workspace));
        var afterRun = await fixture.InstallationAsync(GhlOAuthFixture.Location);
        // One refresh for the first access token, one when it expired mid-run (HighLevel's 401).
        Assert.True(afterRun.Rotations >= 2, $"the refresh token rotated {afterRun.Rotations} time(s)");
        Assert.Equal(0, afterRun.Refused);
        var stored = await fixture.StoredRefreshTokenAsync(Workspace);
        Assert.NotEqual(fixture.FirstRefreshToken, stored);
        Assert.Equal(afterRun.RefreshToken, stored);

        await fixture.RestartConnectorAsync();
        var (again, failedAgain) = await SyncAsync(Workspace);

        Assert.True(failedAgain is null, $"the sync after the restart failed: {failedAgain?.ErrorCode} {failedAgain?.Reason}");
        Assert.Equal(GhlOAuthFixture.Contacts, Assert.Single(again!.Streams).RecordsFetched);
        var afterRestart = await fixture.InstallationAsync(GhlOAuthFixture.Location);
        Assert.True(afterRestart.Rotations > afterRun.Rotations, "the new instance never refreshed: it did not use OAuth");
        Assert.Equal(0, afterRestart.Refused);
        Assert.Equal(afterRestart.RefreshToken, await fixture.StoredRefreshTokenAsync(Workspace));
    }

    [Fact]
    public async Task A_refresh_token_someone_else_already_used_fails_the_sync_saying_to_connect_again()
    {
        using (var other = new HttpClient { BaseAddress = fixture.Simulator.Address })
        {
            // Another client of the same installation refreshes first (and keeps the new token to itself).
            var stored = await fixture.StoredRefreshTokenAsync(GhlOAuthFixture.StaleWorkspace);
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = "sim-ghl-app", ["client_secret"] = "sim-ghl-app-secret", ["grant_type"] = "refresh_token", ["refresh_token"] = stored!,
            });
            using var refreshed = await other.PostAsync("oauth/token", form);
            Assert.True(refreshed.IsSuccessStatusCode, await refreshed.Content.ReadAsStringAsync());
        }

        var (completed, failed) = await SyncAsync(GhlOAuthFixture.StaleWorkspace);

        Assert.Null(completed);
        Assert.Equal("credentials_invalid", failed!.ErrorCode);
        Assert.Contains("refresh token", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("Connect the workspace again", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await ContactsStaged(GhlOAuthFixture.StaleWorkspace));
    }
}
