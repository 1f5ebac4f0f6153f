using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.Hosting;

internal static class GatewayOptionsExtensions
{
    /// <summary>Binds the <c>Gateway</c> section once and refuses to start on a malformed one.</summary>
    public static IHostApplicationBuilder AddGatewayOptions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>()
            .Bind(builder.Configuration.GetSection(GatewayOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        return builder;
    }
}

internal sealed partial class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var key = options.ApiKeys[i];
            // The name travels downstream in the X-Operator header, so it must be a plain header-safe token.
            if (!KeyName().IsMatch(key.Name))
            {
                errors.Add($"Gateway:ApiKeys:{i}:Name must be 1-64 characters of letters, digits, '.', '_', '-' or '@'.");
            }
            if (!Sha256Hex().IsMatch(key.Sha256))
            {
                errors.Add($"Gateway:ApiKeys:{i}:Sha256 must be the 64-character hex SHA-256 of the key (e.g. `printf %s \"$KEY\" | sha256sum`), not the key itself.");
            }
        }
        if (options.MaxRequestBodyBytes <= 0)
        {
            errors.Add("Gateway:MaxRequestBodyBytes must be positive.");
        }
        if (options.MaxImportBodyBytes <= 0)
        {
            errors.Add("Gateway:MaxImportBodyBytes must be positive.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex KeyName();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Hex();
}
