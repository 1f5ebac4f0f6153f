namespace Platform.EndToEnd.Tests;

internal static class GhlPayPalEndToEnd
{
    /// <summary>
    /// Why the GoHighLevel/PayPal end-to-end tests are skipped: written and compiled, but never seen green. On 2026-12-02
    /// the shared machine ran at a load average of 50-90 on 2 cores and every service start in them timed out (90 s);
    /// the only earlier run that started its services found a simulator bug, since fixed. Remove the Skip and run them
    /// (`/work/bin/ptest tests/Platform.EndToEnd.Tests -c Release --filter "FullyQualifiedName~GhlPayPal|FullyQualifiedName~GoHighLevelPayPal"`).
    /// </summary>
    public const string Unverified = "GoHighLevel/PayPal end-to-end: unverified (machine overloaded on 2026-12-02); remove Skip and run before relying on it";
}
