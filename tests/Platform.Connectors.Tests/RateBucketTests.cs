using Platform.Connectors.Http;

namespace Platform.Connectors.Tests;

public class RateBucketTests
{
    /// <summary>
    /// The most requests a window of one period can see: a full bucket at its start, and a refill at every multiple of the
    /// refill interval inside it, both edges included.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(20)]
    [InlineData(25)]
    [InlineData(100)]
    public void No_window_of_one_period_can_hold_more_than_the_limit_and_a_long_run_keeps_near_it(int permits)
    {
        var period = TimeSpan.FromSeconds(1);
        var bucket = SourceRateLimiter.Bucket(permits, period);

        var refillsInWindow = (int)Math.Floor(period / bucket.ReplenishmentPeriod) + 1;
        var worstWindow = bucket.TokenLimit + bucket.TokensPerPeriod * refillsInWindow;
        var longRun = bucket.TokensPerPeriod / bucket.ReplenishmentPeriod.TotalSeconds;

        Assert.True(worstWindow <= permits, $"{worstWindow} requests can fall in one second against a limit of {permits}");
        // Small limits lose more to the whole-token steps (2 a second: one request about every second).
        var share = permits >= 10 ? 0.7 : 0.4;
        Assert.True(longRun >= share * permits, $"a long run keeps to {longRun:F1}/s against a limit of {permits}");
    }
}
