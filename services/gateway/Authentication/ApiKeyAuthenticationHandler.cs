using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.Authentication;

/// <summary>
/// Authenticates operators by an API key in <c>X-Api-Key</c> (or <c>Authorization: Bearer</c>), checked
/// against the configured and stored keys (<see cref="ApiKeyVerifier"/>). The key itself is never stored, logged or forwarded.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyVerifier keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headerValues = Request.Headers[OperatorAuthentication.ApiKeyHeader];
        string? presented = null;
        var inAuthorizationHeader = false;
        if (headerValues.Count > 1)
        {
            return AuthenticateResult.Fail("More than one X-Api-Key header was sent.");
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
            return AuthenticateResult.NoResult();
        }

        var key = await keys.FindAsync(presented, Context.RequestAborted);
        if (key is null)
        {
            return AuthenticateResult.Fail("The API key is not one of the operator keys.");
        }
        if (inAuthorizationHeader)
        {
            Context.Items[OperatorAuthentication.KeyInAuthorizationHeaderItem] = true;
        }
        var identity = new ClaimsIdentity(OperatorClaims.For(key.Name, key.Role, key.Workspaces, key.Id), Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
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
