using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Platform.SourceSimulator.Accounts;
using Platform.SourceSimulator.Domain.Hotmart;
using Platform.SourceSimulator.Traffic;

namespace Platform.SourceSimulator.Endpoints;

/// <summary>Access tokens issued by the token endpoint (opaque strings; each belongs to one client_id).</summary>
internal sealed class HotmartTokens(IOptions<SimulatorOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (string ClientId, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);

    public TimeSpan Lifetime => options.Value.HotmartTokenLifetime;

    public string Issue(string clientId)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _tokens[token] = (clientId, time.GetUtcNow() + Lifetime);
        return token;
    }

    public (string ClientId, bool Expired)? Find(string token) =>
        _tokens.TryGetValue(token, out var entry) ? (entry.ClientId, entry.Expires <= time.GetUtcNow()) : null;
}

/// <summary>
/// Hotmart: <c>POST /security/oauth/token</c> (client credentials with Basic auth) and the sales endpoints under
/// <c>/payments/api/v1</c> (Bearer token). In production these are two hosts (api-sec-vlc.hotmart.com and
/// developers.hotmart.com); here both live on the simulator.
/// </summary>
internal static class HotmartEndpoints
{
    /// <summary>The largest max_results served; larger values are cut to it (Hotmart publishes no maximum).</summary>
    public const int MaxResults = 500;

    public static IEndpointRouteBuilder MapHotmartEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/security/oauth/token", Token).WithTags("Hotmart").WithName("HotmartToken");
        var sales = app.MapGroup("/payments/api/v1/sales").WithTags("Hotmart").AddEndpointFilter<HotmartAuthFilter>();
        sales.MapGet("/history", History).WithName("HotmartSalesHistory");
        sales.MapGet("/users", Users).WithName("HotmartSalesUsers");
        return app;
    }

    private static async Task<IResult> Token(HttpContext context, AccountRegistry accounts, VendorGate gate, HotmartTokens tokens)
    {
        var query = context.Request.Query;
        var clientId = query["client_id"].ToString();
        var clientSecret = query["client_secret"].ToString();
        var (basicId, basicSecret) = Basic(context.Request.Headers.Authorization.ToString());
        var presented = clientId.Length > 0 ? clientId : basicId ?? "(none)";
        var account = accounts.Find(Vendor.Hotmart, presented);
        var verdict = await gate.PassAsync(Vendor.Hotmart, presented, account, context.RequestAborted);
        if (verdict is not null)
        {
            return verdict is Revoked
                ? VendorErrors.Hotmart(StatusCodes.Status401Unauthorized, "unauthorized", "Bad credentials (the credential was revoked: simulated fault).")
                : VendorErrors.For(Vendor.Hotmart, verdict, gate.EffectiveLimit(Vendor.Hotmart, account).Permits);
        }
        if (query["grant_type"].ToString() != "client_credentials")
        {
            return VendorErrors.Hotmart(StatusCodes.Status400BadRequest, "unsupported_grant_type", "Unsupported grant type: use grant_type=client_credentials.");
        }
        if (basicId is null)
        {
            return VendorErrors.Hotmart(StatusCodes.Status401Unauthorized, "unauthorized",
                "Full authentication is required to access this resource: send Authorization: Basic base64(client_id:client_secret).");
        }
        if (account is null || clientSecret != account.Secret || basicId != account.Key || basicSecret != account.Secret)
        {
            return VendorErrors.Hotmart(StatusCodes.Status401Unauthorized, "unauthorized", "Bad credentials");
        }
        return VendorResult.Ok(new JsonObject
        {
            ["access_token"] = tokens.Issue(account.Key),
            ["token_type"] = "bearer",
            ["expires_in"] = (long)tokens.Lifetime.TotalSeconds,
        });
    }

    private static VendorResult History(HttpContext context) => Sales(context, users: false);

    private static VendorResult Users(HttpContext context) => Sales(context, users: true);

    private static VendorResult Sales(HttpContext context, bool users)
    {
        var query = context.Request.Query;
        var maxResults = 10;
        var page = 1;
        if (Value(query, "max_results") is { } max)
        {
            if (!int.TryParse(max, NumberStyles.Integer, CultureInfo.InvariantCulture, out maxResults) || maxResults < 1)
            {
                return InvalidValue("max_results", max);
            }
            maxResults = Math.Min(maxResults, MaxResults);
        }
        if (Value(query, "page_token") is { } token)
        {
            if (HotmartData.ReadPageToken(token) is not { } position)
            {
                return VendorErrors.Hotmart(StatusCodes.Status400BadRequest, "invalid_token", "The page_token parameter is invalid");
            }
            (maxResults, page) = (Math.Min(position.Rows, MaxResults), position.Page);
        }
        long? startDate = null, endDate = null, productId = null;
        foreach (var (name, set) in new (string, Action<long>)[] { ("start_date", v => startDate = v), ("end_date", v => endDate = v), ("product_id", v => productId = v) })
        {
            if (Value(query, name) is { } text)
            {
                if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
                {
                    return InvalidValue(name, text);
                }
                set(parsed);
            }
        }
        var status = Value(query, "transaction_status");
        if (status is not null && !HotmartData.Statuses.Contains(status))
        {
            return InvalidValue("transaction_status", status);
        }
        var paymentType = Value(query, "payment_type");
        if (paymentType is not null && !HotmartData.PaymentTypes.Contains(paymentType))
        {
            return InvalidValue("payment_type", paymentType);
        }
        var salesQuery = new HotmartSalesQuery(maxResults, page, startDate, endDate, Value(query, "transaction"), status,
            Value(query, "buyer_email"), Value(query, "buyer_name"), productId, paymentType);
        var data = HotmartAuthFilter.AccountOf(context).Hotmart;
        return VendorResult.Ok(users ? data.Users(salesQuery) : data.History(salesQuery));
    }

    private static VendorResult InvalidValue(string name, string value) =>
        VendorErrors.Hotmart(StatusCodes.Status400BadRequest, "invalid_value_parameter", $"The value '{value}' of parameter {name} is invalid");

    private static string? Value(IQueryCollection query, string name) => query[name].ToString() is { Length: > 0 } v ? v : null;

    internal static (string? Id, string? Secret) Basic(string header)
    {
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return (null, null);
        }
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? (decoded, null) : (decoded[..colon], decoded[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return (null, null);
        }
    }
}

/// <summary>Reads the Bearer token, passes the gate under its client_id, and refuses unknown or expired tokens.</summary>
internal sealed class HotmartAuthFilter(AccountRegistry accounts, VendorGate gate, HotmartTokens tokens) : IEndpointFilter
{
    private const string AccountItem = "simulator.account";

    public static Account AccountOf(HttpContext context) => (Account)context.Items[AccountItem]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var issued = string.IsNullOrEmpty(token) ? null : tokens.Find(token);
        var account = issued is { } i ? accounts.Find(Vendor.Hotmart, i.ClientId) : null;
        var verdict = await gate.PassAsync(Vendor.Hotmart, issued?.ClientId ?? "(invalid token)", account, http.RequestAborted);
        if (verdict is not null)
        {
            return VendorErrors.For(Vendor.Hotmart, verdict, gate.EffectiveLimit(Vendor.Hotmart, account).Permits);
        }
        if (string.IsNullOrEmpty(token))
        {
            return VendorErrors.Hotmart(StatusCodes.Status401Unauthorized, "unauthorized", "Full authentication is required to access this resource");
        }
        if (issued is null || account is null)
        {
            return VendorErrors.Hotmart(StatusCodes.Status401Unauthorized, "invalid_token", "Invalid access token");
        }
        if (issued.Value.Expired)
        {
            return VendorErrors.Hotmart(StatusCodes.Status401Unauthorized, "token_expired", "The access token expired");
        }
        http.Items[AccountItem] = account;
        return await next(context);
    }
}
