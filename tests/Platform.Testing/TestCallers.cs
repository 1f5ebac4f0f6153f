using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Platform.ServiceDefaults.Callers;

namespace Platform.Testing;

/// <summary>
/// Caller tokens for tests that call a service without the gateway in front of it, signed with
/// <see cref="TestEnvironment.InternalAuthKey"/> as the gateway would sign them.
/// </summary>
public static class TestCallers
{
    /// <summary>The name a test's calls are made as when they do not send <c>X-Operator</c>.</summary>
    public const string DefaultName = "test-operator";

    /// <summary>Set on a request to send it without a token (to see a service refuse it).</summary>
    public const string UnsignedHeader = "X-Test-Unsigned";

    public static string Sign(string name = DefaultName, string role = CallerRoles.Admin, IReadOnlyList<string>? workspaces = null) =>
        CallerToken.Sign(new PlatformCaller(name, role, workspaces, DateTimeOffset.UtcNow.AddHours(1)), TestEnvironment.InternalAuthKey);

    /// <summary>An HTTP client on a service process that signs every call as an admin of every workspace (named by its <c>X-Operator</c>, if any).</summary>
    public static HttpClient DirectClient(Uri address, TimeSpan? timeout = null, HttpMessageHandler? inner = null, string role = CallerRoles.Admin) =>
        new(new SigningHandler(role) { InnerHandler = inner ?? new HttpClientHandler() }) { BaseAddress = address, Timeout = timeout ?? TimeSpan.FromSeconds(60) };

    private sealed class SigningHandler(string role) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!request.Headers.Contains(PlatformCaller.Header))
            {
                var name = request.Headers.TryGetValues("X-Operator", out var names) ? names.First() : DefaultName;
                request.Headers.TryAddWithoutValidation(PlatformCaller.Header, Sign(name, role));
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>
/// For services hosted in-process (<see cref="ServiceFactory{TProgram}"/>): the test client stands where the gateway
/// would, so a request without a caller token is signed as an admin of every workspace (a service on
/// <c>/internal</c> and <c>/dead-letters</c>), named by its <c>X-Operator</c>
/// header as before the token existed; <see cref="TestCallers.UnsignedHeader"/> sends one unsigned.
/// </summary>
internal sealed class SignTestCallsStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            var headers = context.Request.Headers;
            if (headers.Remove(TestCallers.UnsignedHeader) is false && !headers.ContainsKey(PlatformCaller.Header))
            {
                var name = headers["X-Operator"].ToString() is { Length: > 0 } named ? named : TestCallers.DefaultName;
                // /internal and /dead-letters are called by services; the rest by operators.
                var path = context.Request.Path;
                var role = path.StartsWithSegments("/internal") || path.StartsWithSegments("/dead-letters") ? CallerRoles.Service : CallerRoles.Admin;
                headers[PlatformCaller.Header] = TestCallers.Sign(name, role);
            }
            await nextMiddleware(context);
        });
        next(app);
    };
}
