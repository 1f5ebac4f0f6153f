namespace Platform.Gateway.Sessions;

/// <summary>Names shared by the session cookie scheme, the session endpoints and the workspace guard.</summary>
internal static class SessionAuthentication
{
    /// <summary>The cookie scheme the web app signs in with (an operator key exchanged for a cookie).</summary>
    public const string Scheme = "Session";

    /// <summary>Picks <see cref="Authentication.OperatorAuthentication.Scheme"/> when a key is sent, else the session cookie.</summary>
    public const string SelectorScheme = "Operator";

    public const string CookieName = "cc_session";

    /// <summary>The workspace chosen after sign-in; a session reads and changes only this workspace.</summary>
    public const string WorkspaceClaim = "workspace";

    public const string ExpiresClaim = "expires";

    public static string? WorkspaceOf(HttpContext context) => context.User.FindFirst(WorkspaceClaim)?.Value;

    public static bool IsSession(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, AuthenticationType: Scheme };
}

/// <summary>The <c>Gateway:Session</c> settings.</summary>
internal sealed class SessionSettings
{
    public const string Section = "Gateway:Session";

    /// <summary>How long a session lasts from sign-in (the cookie's expiry; not sliding).</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Where the keys that encrypt session cookies are kept. Every gateway replica must share them (a volume or the
    /// same folder); left empty, ASP.NET Core's per-user default is used (fine for one replica).
    /// </summary>
    public string? KeysDirectory { get; set; }
}
