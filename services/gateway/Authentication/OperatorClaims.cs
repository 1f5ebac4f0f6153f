using System.Security.Claims;
using Platform.ServiceDefaults.Callers;

namespace Platform.Gateway.Authentication;

/// <summary>
/// What the gateway knows of an authenticated operator, as claims on the principal (a key's, or a session's copied from
/// the key at sign-in): the name, the role and the workspaces the key may use (<c>*</c>: every one).
/// </summary>
internal static class OperatorClaims
{
    public const string AllowedWorkspaceClaim = "allowed-workspace";
    public const string KeyIdClaim = "key-id";

    public static IEnumerable<Claim> For(string name, string role, IReadOnlyList<string>? workspaces, Guid? keyId = null)
    {
        yield return new Claim(ClaimTypes.Name, name);
        yield return new Claim(ClaimTypes.Role, role);
        foreach (var workspace in workspaces ?? [PlatformCallerWorkspaces.All])
        {
            yield return new Claim(AllowedWorkspaceClaim, workspace);
        }
        if (keyId is { } id)
        {
            yield return new Claim(KeyIdClaim, id.ToString());
        }
    }

    public static string RoleOf(ClaimsPrincipal user) => user.FindFirst(ClaimTypes.Role)?.Value ?? CallerRoles.Viewer;

    /// <summary>The workspaces the key may use; null for every workspace.</summary>
    public static IReadOnlyList<string>? AllowedWorkspaces(ClaimsPrincipal user)
    {
        var allowed = user.FindAll(AllowedWorkspaceClaim).Select(c => c.Value).ToList();
        // A principal without the claim (none is issued so) may use nothing rather than everything.
        return allowed.Contains(PlatformCallerWorkspaces.All) ? null : allowed;
    }
}

internal static class PlatformCallerWorkspaces
{
    public const string All = "*";
}
