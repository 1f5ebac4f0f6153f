using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Platform.ServiceDefaults.Callers;

/// <summary>The roles a caller may have. Operators' keys carry one of the first three; services call each other as <see cref="Service"/>.</summary>
public static class CallerRoles
{
    /// <summary>Keys and workspaces, and everything an operator does.</summary>
    public const string Admin = "admin";

    /// <summary>Syncs, unify, decisions, campaigns: every write but keys and workspaces.</summary>
    public const string Operator = "operator";

    /// <summary>Reads only.</summary>
    public const string Viewer = "viewer";

    /// <summary>Another service of the platform (the gateway's own reads, a connector reading its settings).</summary>
    public const string Service = "service";

    public static readonly IReadOnlyList<string> OperatorRoles = [Admin, Operator, Viewer];

    public static bool IsKnown(string? role) => role is Admin or Operator or Viewer or Service;
}

/// <summary>
/// Who is calling, as the gateway (or a service) vouched for it in a signed token: a name, a role, the workspaces it
/// may touch (null: every workspace) and when the token stops being valid.
/// </summary>
public sealed record PlatformCaller(string Name, string Role, IReadOnlyList<string>? Workspaces, DateTimeOffset ExpiresAt)
{
    /// <summary>The request header that carries the token from the gateway to a service.</summary>
    public const string Header = "X-Platform-Caller";

    internal const string AuthenticationType = "PlatformCaller";
    internal const string WorkspaceClaim = "platform.workspace";
    internal const string AllWorkspaces = "*";

    /// <summary>True when the caller may touch every workspace.</summary>
    public bool AllWorkspacesAllowed => Workspaces is null;

    public bool CanAccess(string? workspaceId) =>
        Workspaces is null || (workspaceId is not null && Workspaces.Contains(workspaceId, StringComparer.Ordinal));

    /// <summary>True for a caller that may change things (every role but viewer).</summary>
    public bool CanWrite => Role is not CallerRoles.Viewer;

    /// <summary>The verified caller of this request, or null outside a verified request (health, webhooks).</summary>
    public static PlatformCaller? Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(typeof(PlatformCaller), out var caller) ? caller as PlatformCaller : null;
    }

    internal ClaimsPrincipal ToPrincipal()
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, Name), new(ClaimTypes.Role, Role) };
        claims.AddRange((Workspaces ?? [AllWorkspaces]).Select(w => new Claim(WorkspaceClaim, w)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType));
    }
}
