using System.Globalization;
using Platform.Connectors.Backfill;
using Platform.Connectors.GoHighLevel.Api;
using Platform.Connectors.Http;

namespace Platform.Connectors.GoHighLevel.Tests;

public class GhlRatePacerTests
{
    private static HttpResponseMessage Answer(int remaining, int max = 100, long dailyRemaining = 199_000)
    {
        var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK);
        response.Headers.Add("X-RateLimit-Max", max.ToString(CultureInfo.InvariantCulture));
        response.Headers.Add("X-RateLimit-Interval-Milliseconds", "10000");
        response.Headers.Add("X-RateLimit-Remaining", remaining.ToString(CultureInfo.InvariantCulture));
        response.Headers.Add("X-RateLimit-Limit-Daily", "200000");
        response.Headers.Add("X-RateLimit-Daily-Remaining", dailyRemaining.ToString(CultureInfo.InvariantCulture));
        return response;
    }

    [Fact]
    public async Task A_fresh_connector_sends_one_request_and_waits_for_its_answer_before_the_next()
    {
        var pacer = new HeaderRatePacer(TimeProvider.System, GhlApi.RateLimitHeaders, 100, TimeSpan.FromSeconds(10));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var first = await pacer.WaitTurnAsync("w", stop.Token);
        var second = pacer.WaitTurnAsync("w", stop.Token);
        await Task.Delay(200, stop.Token);
        Assert.False(second.IsCompleted);

        using var answer = Answer(remaining: 99);
        pacer.Answered("w", first, answer);
        await second;
    }

    [Fact]
    public async Task A_location_whose_window_another_client_spent_makes_the_next_request_wait_for_the_window()
    {
        var pacer = new HeaderRatePacer(TimeProvider.System, GhlApi.RateLimitHeaders, 100, TimeSpan.FromSeconds(10));
        using var stop = new CancellationTokenSource();

        var first = await pacer.WaitTurnAsync("w", stop.Token);
        using var answer = Answer(remaining: 0);
        pacer.Answered("w", first, answer);
        var next = pacer.WaitTurnAsync("w", stop.Token);
        await Task.Delay(300, CancellationToken.None);

        Assert.False(next.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
    }

    [Fact]
    public async Task A_spent_daily_quota_fails_the_run_with_the_reason()
    {
        var pacer = new HeaderRatePacer(TimeProvider.System, GhlApi.RateLimitHeaders, 100, TimeSpan.FromSeconds(10));
        var first = await pacer.WaitTurnAsync("w", CancellationToken.None);
        using var answer = Answer(remaining: 50, dailyRemaining: 0);
        pacer.Answered("w", first, answer);

        var failure = await Assert.ThrowsAsync<SourceException>(() => pacer.WaitTurnAsync("w", CancellationToken.None));

        Assert.Equal("rate_limited", failure.ErrorCode);
        Assert.Contains("X-RateLimit-Daily-Remaining", failure.Message, StringComparison.Ordinal);
    }
    [Fact]
    public async Task A_window_counted_as_spent_is_given_back_when_the_location_says_its_requests_left_the_window()
    {
        var pacer = new HeaderRatePacer(TimeProvider.System, GhlApi.RateLimitHeaders, 100, TimeSpan.FromSeconds(10));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // A restarted connector: the location says 98 of its 100 are spent (by the connector's previous life).
        var first = await pacer.WaitTurnAsync("w", stop.Token);
        using (var spent = Answer(remaining: 2))
        {
            pacer.Answered("w", first, spent);
        }
        var second = await pacer.WaitTurnAsync("w", stop.Token);
        var third = await pacer.WaitTurnAsync("w", stop.Token);
        var blocked = pacer.WaitTurnAsync("w", stop.Token);
        await Task.Delay(200, stop.Token);
        Assert.False(blocked.IsCompleted);

        // Those requests have left the location's window: it counts only the first two of this life and one more.
        using (var freed = Answer(remaining: 97))
        {
            pacer.Answered("w", second, freed);
        }
        await blocked.WaitAsync(TimeSpan.FromSeconds(5), stop.Token);
        var more = new List<HeaderRatePacer.Slot>();
        for (var i = 0; i < 95; i++)
        {
            more.Add(await pacer.WaitTurnAsync("w", stop.Token).WaitAsync(TimeSpan.FromSeconds(5), stop.Token));
        }

        // 100 now counted (the 3 the location counts, answered, and 97 in flight): the next waits, whatever the location said before.
        var over = pacer.WaitTurnAsync("w", stop.Token);
        await Task.Delay(200, stop.Token);
        Assert.False(over.IsCompleted);
        Assert.Equal(95, more.Count);
        GC.KeepAlive(third);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => over);
    }
}
