namespace Platform.SyncOrchestrator.Tests;

internal static class Eventually
{
    /// <summary>Polls until <paramref name="condition"/> holds, or fails with <paramref name="what"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Polls <paramref name="read"/> until its value satisfies <paramref name="done"/>, and returns that value.</summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        T value = default!;
        await HoldsAsync(async () => done(value = await read()), what, timeout);
        return value;
    }
}
