using System.Globalization;
using System.Text.Json.Nodes;
using Platform.SourceSimulator.Accounts;
using Platform.SourceSimulator.Domain.Ploomes;
using Platform.SourceSimulator.Traffic;

namespace Platform.SourceSimulator.Endpoints;

/// <summary>
/// Ploomes' OData API: <c>GET /Contacts</c> and <c>GET /Deals</c> with $top (at most 300), $skip, $filter, $orderby,
/// $select, $expand and $count, answered as <c>{"@odata.context":…,"value":[…]}</c>; <c>/Contacts(id)</c> and
/// <c>/Deals(id)</c> answer the entity itself, as OData does. Header <c>User-Key</c>.
/// </summary>
internal static class PloomesEndpoints
{
    public static IEndpointRouteBuilder MapPloomesEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/").WithTags("Ploomes").AddEndpointFilter<PloomesAuthFilter>();
        group.MapGet("/Contacts", Contacts).WithName("PloomesContacts");
        group.MapGet("/Deals", Deals).WithName("PloomesDeals");
        group.MapGet("/Contacts({id:long})", Contact).WithName("PloomesContact");
        group.MapGet("/Deals({id:long})", Deal).WithName("PloomesDeal");
        return app;
    }

    private static VendorResult Contacts(HttpContext context) => List(context, "Contacts");

    private static VendorResult Deals(HttpContext context) => List(context, "Deals");

    private static VendorResult Contact(long id, HttpContext context) => Single(context, "Contacts", id);

    private static VendorResult Deal(long id, HttpContext context) => Single(context, "Deals", id);

    private static VendorResult List(HttpContext context, string entitySet)
    {
        var data = PloomesAuthFilter.AccountOf(context).Ploomes;
        try
        {
            var query = Parse(context.Request.Query, entitySet);
            var (value, count) = entitySet == "Contacts" ? data.Contacts(query) : data.Deals(query);
            var body = new JsonObject { ["@odata.context"] = Context(context, entitySet) };
            if (query.Count)
            {
                body["@odata.count"] = count;
            }
            body["value"] = value;
            return VendorResult.Ok(body);
        }
        catch (ODataException ex)
        {
            return VendorErrors.Ploomes(StatusCodes.Status400BadRequest, ex.Message);
        }
    }

    private static VendorResult Single(HttpContext context, string entitySet, long id)
    {
        var data = PloomesAuthFilter.AccountOf(context).Ploomes;
        try
        {
            var query = Parse(context.Request.Query, entitySet) with
            {
                Filter = [new ODataComparison("Id", "eq", (decimal)id)],
                Top = 1,
                Skip = 0,
            };
            var (value, _) = entitySet == "Contacts" ? data.Contacts(query) : data.Deals(query);
            if (value.Count == 0)
            {
                return VendorErrors.Ploomes(StatusCodes.Status404NotFound, $"No {entitySet[..^1]} with Id {id}.");
            }
            var entity = value[0]!.AsObject();
            value.RemoveAt(0);
            var body = new JsonObject { ["@odata.context"] = Context(context, entitySet) + "/$entity" };
            foreach (var (key, node) in entity.ToList())
            {
                entity.Remove(key);
                body[key] = node;
            }
            return VendorResult.Ok(body);
        }
        catch (ODataException ex)
        {
            return VendorErrors.Ploomes(StatusCodes.Status400BadRequest, ex.Message);
        }
    }

    private static PloomesQuery Parse(IQueryCollection query, string entitySet)
    {
        var top = PloomesData.MaxTop;
        if (Value(query, "$top") is { } topText)
        {
            if (!int.TryParse(topText, NumberStyles.Integer, CultureInfo.InvariantCulture, out top) || top < 0)
            {
                throw new ODataException($"Invalid value '{topText}' for $top query option found. The $top query option requires a non-negative integer value.");
            }
            if (top > PloomesData.MaxTop)
            {
                throw new ODataException($"The limit of '{PloomesData.MaxTop}' for Top query has been exceeded. The value from the incoming request is '{top}'.");
            }
        }
        var skip = 0;
        if (Value(query, "$skip") is { } skipText && (!int.TryParse(skipText, NumberStyles.Integer, CultureInfo.InvariantCulture, out skip) || skip < 0))
        {
            throw new ODataException($"Invalid value '{skipText}' for $skip query option found. The $skip query option requires a non-negative integer value.");
        }
        var expand = ODataQuery.ParseExpand(Value(query, "$expand"), Value(query, "$select"));
        if (entitySet == "Contacts")
        {
            PloomesJson.ValidateContact(expand);
        }
        else
        {
            PloomesJson.ValidateDeal(expand);
        }
        return new PloomesQuery(
            top,
            skip,
            ODataQuery.ParseFilter(Value(query, "$filter")),
            ODataQuery.ParseOrderBy(Value(query, "$orderby")),
            expand,
            string.Equals(Value(query, "$count"), "true", StringComparison.OrdinalIgnoreCase));
    }

    private static string Context(HttpContext context, string entitySet) =>
        $"{context.Request.Scheme}://{context.Request.Host}/$metadata#{entitySet}";

    private static string? Value(IQueryCollection query, string name) => query[name].ToString() is { Length: > 0 } v ? v : null;
}

/// <summary>Reads <c>User-Key</c>, passes the gate, and refuses keys no account has.</summary>
internal sealed class PloomesAuthFilter(AccountRegistry accounts, VendorGate gate) : IEndpointFilter
{
    private const string AccountItem = "simulator.account";

    public static Account AccountOf(HttpContext context) => (Account)context.Items[AccountItem]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers["User-Key"].ToString();
        var account = accounts.Find(Vendor.Ploomes, key);
        var verdict = await gate.PassAsync(Vendor.Ploomes, key.Length > 0 ? key : "(none)", account, http.RequestAborted);
        if (verdict is not null)
        {
            return VendorErrors.For(Vendor.Ploomes, verdict, gate.EffectiveLimit(Vendor.Ploomes, account).Permits);
        }
        if (account is null)
        {
            return VendorErrors.Ploomes(StatusCodes.Status401Unauthorized, "Authorization has been denied for this request.");
        }
        http.Items[AccountItem] = account;
        return await next(context);
    }
}
