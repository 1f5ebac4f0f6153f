using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.Authentication;

/// <summary>
/// Authenticates operators by an API key in <c>X-Api-Key</c> (or <c>Authorization: Bearer</c>), compared
/// by SHA-256 hash against <c>Gateway:ApiKeys</c>. The key itself is never stored, logged or forwarded.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyVerifier keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string BearerPrefix = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headerValues = Request.Headers[OperatorAuthentication.ApiKeyHeader];
        string? presented = null;
        var inAuthorizationHeader = false;
        if (headerValues.Count > 1)
        {
            return Task.FromResult(AuthenticateResult.Fail("More than one X-Api-Key header was sent."));
        }
        if (headerValues.Count == 1)
        {
            presented = headerValues[0];
        }
        else if (Request.Headers.Authorization.ToString() is { } authorization
            && authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization[BearerPrefix.Length..].Trim();
            inAuthorizationHeader = true;
        }
        if (string.IsNullOrEmpty(presented))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var name = keys.FindKeyName(presented);
        if (name is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not one of the configured operator keys."));
        }
        if (inAuthorizationHeader)
        {
            Context.Items[OperatorAuthentication.KeyInAuthorizationHeaderItem] = true;
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = Scheme.Name;
        var detail = result.Failure is null
            ? "Send the operator API key in the X-Api-Key header."
            : "The API key sent was not accepted. Send a valid operator API key in the X-Api-Key header.";
        await GatewayProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Missing or invalid API key", detail);
    }
}
