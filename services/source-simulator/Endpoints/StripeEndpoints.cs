using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Platform.SourceSimulator.Accounts;
using Platform.SourceSimulator.Domain.People;
using Platform.SourceSimulator.Domain.Stripe;
using Platform.SourceSimulator.Traffic;

namespace Platform.SourceSimulator.Endpoints;

/// <summary>
/// Stripe's list and retrieve endpoints (<c>GET /v1/{resource}</c>, <c>GET /v1/{resource}/{id}</c>, <c>GET /v1/events</c>)
/// behind a secret key (<c>Authorization: Bearer sk_…</c>, or Basic with the key as user name, as curl -u does).
/// </summary>
internal static class StripeEndpoints
{
    private static readonly HashSet<string> Resources = [.. StripeData.StreamNames, "events"];

    public static IEndpointRouteBuilder MapStripeEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Stripe").AddEndpointFilter<StripeAuthFilter>();
        group.MapGet("/{resource}", List).WithName("StripeList");
        group.MapGet("/{resource}/{id}", Retrieve).WithName("StripeRetrieve");
        return app;
    }

    private static VendorResult List(string resource, HttpContext context, TimeProvider time)
    {
        if (!Resources.Contains(resource))
        {
            return Unrecognized(context);
        }
        var account = StripeAuthFilter.AccountOf(context);
        var query = context.Request.Query;
        if (!TryInt(query, "limit", 10, out var limit, out var error))
        {
            return error!;
        }
        if (limit < 1)
        {
            return VendorErrors.StripeParam("limit", "This value must be greater than or equal to 1.");
        }
        if (limit > 100)
        {
            return VendorErrors.StripeParam("limit", "This value must be less than or equal to 100.");
        }
        var startingAfter = NullIfEmpty(query["starting_after"]);
        var endingBefore = NullIfEmpty(query["ending_before"]);
        if (startingAfter is not null && endingBefore is not null)
        {
            return VendorErrors.StripeParam("starting_after", "Received both starting_after and ending_before parameters. Please pass in only one.");
        }
        long? gte = null, gt = null, lte = null, lt = null, exact = null;
        foreach (var (name, set) in new (string, Action<long>)[]
                 {
                     ("created[gte]", v => gte = v), ("created[gt]", v => gt = v), ("created[lte]", v => lte = v),
                     ("created[lt]", v => lt = v), ("created", v => exact = v),
                 })
        {
            if (NullIfEmpty(query[name]) is { } text)
            {
                if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                {
                    return VendorErrors.StripeParam(name, $"Invalid integer: {text}");
                }
                set(value);
            }
        }
        if (exact is not null)
        {
            gte = lte = exact;
        }
        if (resource == "events")
        {
            // Stripe keeps 30 days of events; older ones no longer exist.
            var oldest = time.GetUtcNow().Add(-StripeData.EventRetention).ToUnixTimeSeconds();
            gte = Math.Max(gte ?? oldest, oldest);
        }
        var types = query.Where(q => q.Key.StartsWith("types[", StringComparison.Ordinal)).SelectMany(q => q.Value).OfType<string>().ToList();
        var (filter, param, filterError) = StripeFilters.Build(resource, name => query[name].ToString(), types);
        if (filterError is not null)
        {
            return VendorErrors.StripeParam(param!, filterError);
        }
        var page = account.Stripe.List(resource, new StripeListQuery(limit, startingAfter, endingBefore, gte, gt, lte, lt, filter));
        if (page is null)
        {
            var cursor = startingAfter ?? endingBefore;
            return VendorErrors.Stripe(StatusCodes.Status404NotFound, "invalid_request_error", $"No such {Singular(resource)}: '{cursor}'",
                code: "resource_missing", param: startingAfter is not null ? "starting_after" : "ending_before");
        }
        return VendorResult.Ok(new JsonObject
        {
            ["object"] = "list",
            ["data"] = page.Value.Data,
            ["has_more"] = page.Value.HasMore,
            ["url"] = $"/v1/{resource}",
        });
    }

    private static VendorResult Retrieve(string resource, string id, HttpContext context)
    {
        if (!Resources.Contains(resource))
        {
            return Unrecognized(context);
        }
        var found = StripeAuthFilter.AccountOf(context).Stripe.Retrieve(resource, id);
        return found is null
            ? VendorErrors.Stripe(StatusCodes.Status404NotFound, "invalid_request_error", $"No such {Singular(resource)}: '{id}'", code: "resource_missing", param: "id")
            : VendorResult.Ok(found);
    }

    private static VendorResult Unrecognized(HttpContext context) =>
        VendorErrors.Stripe(StatusCodes.Status404NotFound, "invalid_request_error",
            $"Unrecognized request URL ({context.Request.Method}: {context.Request.Path}). The simulator serves GET /v1/{{{string.Join("|", Resources)}}}[/{{id}}].");

    private static string Singular(string resource) => resource switch
    {
        "customers" => "customer",
        "charges" => "charge",
        "payment_intents" => "payment_intent",
        "invoices" => "invoice",
        "subscriptions" => "subscription",
        "refunds" => "refund",
        "disputes" => "dispute",
        _ => "event",
    };

    private static bool TryInt(IQueryCollection query, string name, int fallback, out int value, out VendorResult? error)
    {
        error = null;
        value = fallback;
        if (NullIfEmpty(query[name]) is not { } text)
        {
            return true;
        }
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }
        error = VendorErrors.StripeParam(name, $"Invalid integer: {text}");
        return false;
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) => value.Count == 0 || string.IsNullOrEmpty(value[0]) ? null : value[0];
}

/// <summary>Reads the secret key, passes the gate, and refuses keys no account has, as Stripe does.</summary>
internal sealed class StripeAuthFilter(AccountRegistry accounts, VendorGate gate) : IEndpointFilter
{
    private const string AccountItem = "simulator.account";

    public static Account AccountOf(HttpContext context) => (Account)context.Items[AccountItem]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        http.Response.Headers["Request-Id"] = "req_" + Det.Base62((ulong)Random.Shared.NextInt64(), 14);
        http.Response.Headers["Stripe-Version"] = StripeData.ApiVersion;
        var key = KeyOf(http.Request);
        var account = accounts.Find(Vendor.Stripe, key);
        var verdict = await gate.PassAsync(Vendor.Stripe, key ?? "(none)", account, http.RequestAborted);
        if (verdict is not null)
        {
            return VendorErrors.For(Vendor.Stripe, verdict, gate.EffectiveLimit(Vendor.Stripe, account).Permits);
        }
        if (key is null)
        {
            return VendorErrors.Stripe(StatusCodes.Status401Unauthorized, "invalid_request_error",
                "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
                headers: VendorErrors.StripeAuthenticate);
        }
        if (account is null)
        {
            return VendorErrors.Stripe(StatusCodes.Status401Unauthorized, "invalid_request_error", $"Invalid API Key provided: {Mask(key)}",
                headers: VendorErrors.StripeAuthenticate);
        }
        http.Items[AccountItem] = account;
        return await next(context);
    }

    private static string? KeyOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header[7..].Trim() is { Length: > 0 } bearer ? bearer : null;
        }
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                return decoded.Split(':', 2)[0] is { Length: > 0 } user ? user : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>Stripe shows only the key's prefix and last four characters.</summary>
    private static string Mask(string key) =>
        key.Length <= 12 ? new string('*', key.Length) : $"{key[..8]}{new string('*', key.Length - 12)}{key[^4..]}";
}
