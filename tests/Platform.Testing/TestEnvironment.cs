namespace Platform.Testing;

/// <summary>Where the real servers are; <c>./platform test</c> sets these, the defaults match <c>./platform up</c>.</summary>
public static class TestEnvironment
{
    public static string PostgresAdmin =>
        Get("PLATFORM_TEST_POSTGRES", "Host=127.0.0.1;Port=55432;Database=postgres;Username=platform;Password=platform");

    public static string RabbitHost => Get("PLATFORM_TEST_RABBITMQ_HOST", "127.0.0.1");
    public static ushort RabbitPort => ushort.Parse(Get("PLATFORM_TEST_RABBITMQ_PORT", "5673"));
    public static int RabbitManagementPort => int.Parse(Get("PLATFORM_TEST_RABBITMQ_MANAGEMENT_PORT", "15673"));
    public static string RabbitUser => Get("PLATFORM_TEST_RABBITMQ_USER", "platform");
    public static string RabbitPassword => Get("PLATFORM_TEST_RABBITMQ_PASSWORD", "platform");

    /// <summary>
    /// The key the gateway and services of this test run share (<c>Platform:InternalAuth:Key</c>), new for each test
    /// process as <c>./platform up</c> makes one per install; every service a fixture starts is given it.
    /// </summary>
    public static string InternalAuthKey { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The repository root (holds Platform.sln).</summary>
    public static string RepoRoot
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("PLATFORM_REPO_ROOT");
            if (!string.IsNullOrEmpty(fromEnv))
            {
                return fromEnv;
            }
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
            {
                dir = dir.Parent;
            }
            return dir?.FullName ?? throw new InvalidOperationException("Platform.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The vendor samples folder beside the repository (../shared/vendor-samples), or a copy under the repo.</summary>
    public static string VendorSamples
    {
        get
        {
            var inRepo = Path.Combine(RepoRoot, "tests", "vendor-samples");
            return Directory.Exists(inRepo) ? inRepo : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "vendor-samples"));
        }
    }

    private static string Get(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
}
