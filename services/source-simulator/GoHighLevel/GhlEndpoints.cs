using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Platform.SourceSimulator.Accounts;
using Platform.SourceSimulator.Endpoints;
using Platform.SourceSimulator.Traffic;

namespace Platform.SourceSimulator.GoHighLevel;

/// <summary>
/// The key HighLevel signs webhooks with: the configured one (<c>Simulator:GoHighLevel:WebhookPrivateKey</c>, base64
/// PKCS#8) or one generated at start. Its public key is served as base64 SPKI DER, the form HighLevel publishes.
/// </summary>
internal sealed class GhlWebhookKey : IDisposable
{
    private readonly RSA _rsa;

    public GhlWebhookKey(IOptions<SimulatorOptions> options)
    {
        var configured = options.Value.GoHighLevel.WebhookPrivateKey;
        if (string.IsNullOrWhiteSpace(configured))
        {
            _rsa = RSA.Create(2048);
        }
        else
        {
            _rsa = RSA.Create();
            _rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(configured.Trim()), out _);
        }
        PublicKey = Convert.ToBase64String(_rsa.ExportSubjectPublicKeyInfo());
    }

    /// <summary>Base64 SPKI DER (HighLevel's published key begins <c>MIICIjANBgkqhkiG9w0BAQEFAAOCAg8A…</c>).</summary>
    public string PublicKey { get; }

    /// <summary><c>x-wh-signature</c>: base64 RSA PKCS#1 v1.5 signature over the SHA-256 of the raw body.</summary>
    public string Sign(string body) =>
        Convert.ToBase64String(_rsa.SignData(Encoding.UTF8.GetBytes(body), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public void Dispose() => _rsa.Dispose();
}

/// <summary>
/// GoHighLevel (LeadConnector API v2) on <c>services.leadconnectorhq.com</c>'s paths: <c>POST /contacts/search</c>
/// (pageLimit ≤ 500, page within the first 10,000 records, searchAfter beyond), <c>GET /opportunities/search</c>
/// (limit ≤ 100, startAfter/startAfterId), the location's custom fields and tags. Bearer token (a Private Integration
/// token, or an OAuth access token from <c>POST /oauth/token</c>, see <see cref="GhlOAuth"/>) and
/// <c>Version: 2021-07-28</c> on every call; every answer carries the <c>X-RateLimit-*</c> headers.
/// </summary>
internal static class GhlEndpoints
{
    public const string ApiVersion = "2021-07-28";

    public static IEndpointRouteBuilder MapGoHighLevelEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/").WithTags("GoHighLevel").AddEndpointFilter<GhlAuthFilter>();
        group.MapPost("/contacts/search", (Delegate)SearchContacts).WithName("GhlSearchContacts");
        group.MapGet("/opportunities/search", SearchOpportunities).WithName("GhlSearchOpportunities");
        group.MapGet("/locations/{locationId}/customFields", CustomFields).WithName("GhlCustomFields");
        group.MapGet("/locations/{locationId}/tags", Tags).WithName("GhlTags");
        app.MapGet("/_simulator/gohighlevel/public-key", (GhlWebhookKey key) => TypedResults.Text(key.PublicKey))
            .WithTags("Simulator").WithName("GhlPublicKey");
        app.MapPost("/oauth/token", Token).WithTags("GoHighLevel").WithName("GhlToken").DisableAntiforgery();
        app.MapPost("/_simulator/gohighlevel/installations", Install).WithTags("Simulator").WithName("GhlInstall");
        app.MapGet("/_simulator/gohighlevel/installations/{locationId}", Installation).WithTags("Simulator").WithName("GhlInstallation");
        return app;
    }

    /// <summary>
    /// <c>POST /oauth/token</c>, form-encoded <c>client_id</c>, <c>client_secret</c>, <c>grant_type=refresh_token</c>,
    /// <c>refresh_token</c> (<c>user_type</c> accepted and ignored): a new access token and a new refresh token.
    /// </summary>
    private static async Task<IResult> Token(HttpContext context, GhlOAuth oauth)
    {
        if (!context.Request.HasFormContentType)
        {
            return new VendorResult(StatusCodes.Status400BadRequest, new JsonObject
            {
                ["error"] = "invalid_request",
                ["error_description"] = "Invalid request: content must be application/x-www-form-urlencoded",
            });
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        return oauth.Refresh(form["client_id"].ToString(), form["client_secret"].ToString(), form["grant_type"].ToString(),
            form["refresh_token"].ToString());
    }

    /// <summary>Installs the simulator's Marketplace app on an existing location: the app's client and the first refresh token.</summary>
    private static IResult Install(GhlInstallRequest? request, AccountRegistry accounts, GhlOAuth oauth)
    {
        if (string.IsNullOrWhiteSpace(request?.LocationId)
            || !accounts.All.Any(a => a.Source == Vendor.GoHighLevel && a.Location == request.LocationId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown location",
                detail: "locationId must name a GoHighLevel account of the simulator (create it first with POST /_simulator/accounts).");
        }
        if (request.AccessTokenLifetimeSeconds is < 1 || request.AccessTokenUses is < 1)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid installation",
                detail: "accessTokenLifetimeSeconds and accessTokenUses must be positive when given.");
        }
        var installation = oauth.Install(request.LocationId,
            request.AccessTokenLifetimeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null, request.AccessTokenUses);
        return TypedResults.Ok(new
        {
            locationId = installation.Location,
            clientId = oauth.ClientId,
            clientSecret = oauth.ClientSecret,
            refreshToken = installation.RefreshToken,
        });
    }

    /// <summary>The installation's live refresh token and how often it rotated (tests compare it with what the platform stored).</summary>
    private static IResult Installation(string locationId, GhlOAuth oauth) =>
        oauth.Find(locationId) is { } installation
            ? TypedResults.Ok(new
            {
                locationId = installation.Location,
                refreshToken = installation.RefreshToken,
                rotations = installation.Rotations,
                refusedRefreshTokens = installation.RefusedRefreshTokens,
            })
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not installed",
                detail: $"The app is not installed on location '{locationId}'.");

    public static VendorResult Error(int status, string message, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, new JsonObject { ["statusCode"] = status, ["message"] = message }, headers);

    private static VendorResult Unprocessable(string message) =>
        new(StatusCodes.Status422UnprocessableEntity,
            new JsonObject { ["statusCode"] = 422, ["message"] = new JsonArray(message), ["error"] = "Unprocessable Entity" });

    private static async Task<IResult> SearchContacts(HttpContext context)
    {
        var account = GhlAuthFilter.AccountOf(context);
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException ex)
        {
            return Error(StatusCodes.Status400BadRequest, $"Unexpected token in JSON: {ex.Message}");
        }
        if (body is not JsonObject request)
        {
            return Error(StatusCodes.Status400BadRequest, "The body must be a JSON object.");
        }
        if (Str(request, "locationId") is not { } location)
        {
            return Unprocessable("locationId should not be empty");
        }
        if (location != account.Location)
        {
            return Error(StatusCodes.Status403Forbidden, "The token does not have access to this location.");
        }
        if (request["pageLimit"] is not JsonValue limitValue || !limitValue.TryGetValue<int>(out var pageLimit))
        {
            return Unprocessable("pageLimit must be a number conforming to the specified constraints");
        }
        if (pageLimit is < 1 or > GhlData.MaxPageLimit)
        {
            return Unprocessable($"pageLimit must not be greater than {GhlData.MaxPageLimit}");
        }
        int? page = null;
        if (request["page"] is JsonValue pageValue)
        {
            if (!pageValue.TryGetValue<int>(out var p) || p < 1)
            {
                return Unprocessable("page must be a positive number");
            }
            page = p;
        }
        (long, string)? searchAfter = null;
        if (request["searchAfter"] is JsonArray after)
        {
            if (page is not null)
            {
                return Unprocessable("page and searchAfter cannot be used together");
            }
            if (after.Count != 2 || after[0] is not JsonValue sortValue || !sortValue.TryGetValue<long>(out var sort)
                || after[1] is not JsonValue idValue || !idValue.TryGetValue<string>(out var id))
            {
                return Unprocessable("searchAfter must be the searchAfter array of the last contact of the previous page");
            }
            searchAfter = (sort, id);
        }
        if (searchAfter is null && (long)(page ?? 1) * pageLimit > GhlData.PageWindow)
        {
            return Unprocessable($"Standard pagination covers the first {GhlData.PageWindow:N0} records; use searchAfter to go further.");
        }

        DateTimeOffset? gte = null, lte = null;
        string? email = null;
        var rangeField = "dateUpdated";
        foreach (var filter in (request["filters"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var field = Str(filter, "field");
            var op = Str(filter, "operator");
            if (field is "dateUpdated" or "dateAdded" && op == "range" && filter["value"] is JsonObject range)
            {
                rangeField = field;
                if (!TryDate(range, "gte", out gte) || !TryDate(range, "lte", out lte))
                {
                    return Unprocessable($"{field} range values must be ISO 8601 dates");
                }
            }
            else if (field == "email" && op == "eq")
            {
                email = Str(filter, "value");
            }
            else
            {
                return Unprocessable($"Unsupported filter {field} {op} (the simulator knows dateAdded and dateUpdated range, and email eq)");
            }
        }
        var sortField = "dateAdded";
        var descending = true;
        if (request["sort"] is JsonArray sorts && sorts.Count > 0 && sorts[0] is JsonObject first)
        {
            sortField = Str(first, "field") ?? "dateAdded";
            if (sortField is not ("dateAdded" or "dateUpdated"))
            {
                return Unprocessable($"Unsupported sort field {sortField}");
            }
            descending = !string.Equals(Str(first, "direction"), "asc", StringComparison.OrdinalIgnoreCase);
        }
        return VendorResult.Ok(account.GoHighLevel.Search(new GhlContactQuery(pageLimit, page, searchAfter, rangeField, gte, lte, sortField, descending, email)));
    }

    private static VendorResult SearchOpportunities(HttpContext context)
    {
        var account = GhlAuthFilter.AccountOf(context);
        var query = context.Request.Query;
        var location = query["location_id"].ToString();
        if (location.Length == 0)
        {
            return Unprocessable("location_id should not be empty");
        }
        if (location != account.Location)
        {
            return Error(StatusCodes.Status403Forbidden, "The token does not have access to this location.");
        }
        var limit = 20;
        if (query["limit"].ToString() is { Length: > 0 } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > GhlData.MaxOpportunityLimit))
        {
            return Unprocessable($"limit must not be greater than {GhlData.MaxOpportunityLimit}");
        }
        long? startAfter = null;
        if (query["startAfter"].ToString() is { Length: > 0 } afterText)
        {
            if (!long.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out var after))
            {
                return Unprocessable("startAfter must be a number (ms)");
            }
            startAfter = after;
        }
        var status = query["status"].ToString() is { Length: > 0 } s ? s : null;
        if (status is not null && status != "all" && !GhlData.OpportunityStatuses.Contains(status))
        {
            return Unprocessable("status must be one of the following values: open, won, lost, abandoned, all");
        }
        return VendorResult.Ok(account.GoHighLevel.Opportunities(new GhlOpportunityQuery(limit, startAfter,
            query["startAfterId"].ToString() is { Length: > 0 } id ? id : null, status == "all" ? null : status)));
    }

    private static VendorResult CustomFields(string locationId, HttpContext context) =>
        GhlAuthFilter.AccountOf(context) is var account && account.Location != locationId
            ? Error(StatusCodes.Status403Forbidden, "The token does not have access to this location.")
            : VendorResult.Ok(account.GoHighLevel.CustomFields());

    private static VendorResult Tags(string locationId, HttpContext context) =>
        GhlAuthFilter.AccountOf(context) is var account && account.Location != locationId
            ? Error(StatusCodes.Status403Forbidden, "The token does not have access to this location.")
            : VendorResult.Ok(account.GoHighLevel.LocationTags());

    private static string? Str(JsonObject obj, string name) =>
        obj[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;

    private static bool TryDate(JsonObject range, string name, out DateTimeOffset? date)
    {
        date = null;
        if (range[name] is null)
        {
            return true;
        }
        if (range[name] is JsonValue value && value.TryGetValue<string>(out var text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            date = parsed;
            return true;
        }
        return false;
    }
}

/// <summary>
/// Bearer token → account, the <c>Version</c> header, the gate (faults, the 100-per-10-s burst limit, the daily
/// limit) and the <c>X-RateLimit-*</c> headers on every answer, 429s included.
/// </summary>
internal sealed class GhlAuthFilter(AccountRegistry accounts, VendorGate gate, TrafficStats stats, IOptions<SimulatorOptions> options, TimeProvider time,
    GhlOAuth oauth) : IEndpointFilter
{
    private const string AccountItem = "simulator.account";

    public static Account AccountOf(HttpContext context) => (Account)context.Items[AccountItem]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";
        var account = accounts.Find(Vendor.GoHighLevel, token);
        var presented = token.Length == 0 ? "(none)" : token;
        var expired = false;
        if (account is null && token.Length > 0 && oauth.Use(token) is { } issued)
        {
            // An OAuth access token: the location's account, counted under the same window as its Private Integration token.
            account = accounts.All.FirstOrDefault(a => a.Source == Vendor.GoHighLevel && a.Location == issued.Location);
            presented = account?.Key ?? presented;
            expired = issued.Expired;
        }
        var limit = gate.EffectiveLimit(Vendor.GoHighLevel, account);
        var daily = options.Value.GoHighLevel.DailyLimit;
        var traffic = stats.For(Vendor.GoHighLevel, presented);
        var overDaily = traffic.Requests >= daily;
        var verdict = await gate.PassAsync(Vendor.GoHighLevel, presented, account, http.RequestAborted);
        RateHeaders(http, traffic, limit, daily);
        if (overDaily && verdict is null)
        {
            return GhlEndpoints.Error(StatusCodes.Status429TooManyRequests, "Daily rate limit exceeded for this location.",
                new Dictionary<string, string> { ["Retry-After"] = "3600" });
        }
        switch (verdict)
        {
            case Throttled t:
                return GhlEndpoints.Error(StatusCodes.Status429TooManyRequests, "Too many requests",
                    new Dictionary<string, string> { ["Retry-After"] = t.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture) });
            case Failed f:
                return GhlEndpoints.Error(f.Status, "Internal server error (simulated fault)");
            case Revoked:
                return GhlEndpoints.Error(StatusCodes.Status401Unauthorized, "Invalid JWT");
        }
        if (expired)
        {
            return GhlEndpoints.Error(StatusCodes.Status401Unauthorized, "Invalid JWT");
        }
        if (token.Length == 0 || account is null)
        {
            return GhlEndpoints.Error(StatusCodes.Status401Unauthorized, token.Length == 0 ? "Unauthorized" : "Invalid Private Integration token");
        }
        if (http.Request.Headers["Version"].ToString() is not { Length: > 0 } version)
        {
            return GhlEndpoints.Error(StatusCodes.Status400BadRequest, "Version header was not found");
        }
        if (version != GhlEndpoints.ApiVersion)
        {
            return GhlEndpoints.Error(StatusCodes.Status400BadRequest, $"Version {version} is not supported; use {GhlEndpoints.ApiVersion}");
        }
        http.Items[AccountItem] = account;
        return await next(context);
    }

    private void RateHeaders(HttpContext http, CredentialTraffic traffic, RateLimitSettings limit, int daily)
    {
        var headers = http.Response.Headers;
        var inWindow = limit.Permits > 0 ? traffic.AcceptedInWindow(time.GetUtcNow(), limit.Period) : 0;
        headers["X-RateLimit-Limit-Daily"] = daily.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Daily-Remaining"] = Math.Max(0, daily - traffic.Requests).ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Interval-Milliseconds"] = ((long)limit.Period.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Max"] = limit.Permits.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = Math.Max(0, limit.Permits - inWindow).ToString(CultureInfo.InvariantCulture);
    }
}
