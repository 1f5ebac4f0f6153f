using System.Text;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults.Telemetry;

/// <summary>
/// The kebab-case service name used everywhere (folder, compose service, k8s Deployment, queue prefix), derived
/// from the assembly (<c>Platform.Connectors.Stripe</c> is <c>connector-stripe</c>,
/// <c>Platform.IdentityResolution</c> is <c>identity-resolution</c>); <c>Platform:ServiceName</c> or
/// <c>OTEL_SERVICE_NAME</c> override it.
/// </summary>
public static class PlatformServiceName
{
    public static string Of(IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Configuration["Platform:ServiceName"] is { Length: > 0 } configured ? configured
            : builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } otel ? otel
            : FromAssembly(builder.Environment.ApplicationName);
    }

    public static string FromAssembly(string assemblyName)
    {
        ArgumentNullException.ThrowIfNull(assemblyName);
        var name = assemblyName.StartsWith("Platform.", StringComparison.Ordinal) ? assemblyName["Platform.".Length..] : assemblyName;
        if (name.StartsWith("Connectors.", StringComparison.Ordinal))
        {
            return "connector-" + Kebab(name["Connectors.".Length..]);
        }
        return Kebab(name);
    }

    private static string Kebab(string pascal)
    {
        var text = new StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (c == '.')
            {
                text.Append('-');
                continue;
            }
            if (char.IsUpper(c) && i > 0 && pascal[i - 1] != '.' && !char.IsUpper(pascal[i - 1]))
            {
                text.Append('-');
            }
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }
}
