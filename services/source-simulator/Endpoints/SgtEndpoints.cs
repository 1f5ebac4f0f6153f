using System.Globalization;
using System.Text.Json.Nodes;
using Platform.SourceSimulator.Accounts;
using Platform.SourceSimulator.Domain.Sgt;
using Platform.SourceSimulator.Traffic;

namespace Platform.SourceSimulator.Endpoints;

/// <summary>
/// SGT's lead API (an internal system: the contract of issue 12). <c>GET /api/leads?empresa=&amp;page=&amp;per_page=&amp;updated_since=</c>
/// lists a company's leads in lead_id order as <c>{"data":[…],"page","per_page","total","total_pages"}</c>;
/// <c>GET /api/leads/buscar?email=|telefone=</c> answers <c>{"data":lead}</c> or 404. Bearer token per company: another
/// company's <c>empresa</c> is a 403. 10 requests/s per token, then 429 with Retry-After.
/// </summary>
internal static class SgtEndpoints
{
    public static IEndpointRouteBuilder MapSgtEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/leads").WithTags("SGT").AddEndpointFilter<SgtAuthFilter>();
        group.MapGet("/", List).WithName("SgtListLeads");
        group.MapGet("/buscar", Find).WithName("SgtFindLead");
        return app;
    }

    private static VendorResult List(HttpContext context)
    {
        var account = SgtAuthFilter.AccountOf(context);
        var query = context.Request.Query;
        var empresa = Value(query, "empresa");
        if (empresa is null)
        {
            return VendorErrors.Sgt(StatusCodes.Status400BadRequest, "invalid_request", "O parâmetro empresa é obrigatório (blue ou tokeniza).");
        }
        if (!string.Equals(empresa, account.Company, StringComparison.OrdinalIgnoreCase))
        {
            return VendorErrors.Sgt(StatusCodes.Status403Forbidden, "forbidden", $"O token não dá acesso à empresa '{empresa}'.");
        }
        var page = 1;
        if (Value(query, "page") is { } pageText && (!int.TryParse(pageText, NumberStyles.Integer, CultureInfo.InvariantCulture, out page) || page < 1))
        {
            return VendorErrors.Sgt(StatusCodes.Status400BadRequest, "invalid_request", $"page deve ser um inteiro a partir de 1; recebido '{pageText}'.");
        }
        var perPage = 50;
        if (Value(query, "per_page") is { } perPageText
            && (!int.TryParse(perPageText, NumberStyles.Integer, CultureInfo.InvariantCulture, out perPage) || perPage is < 1 or > SgtData.MaxPerPage))
        {
            return VendorErrors.Sgt(StatusCodes.Status400BadRequest, "invalid_request", $"per_page deve estar entre 1 e {SgtData.MaxPerPage}; recebido '{perPageText}'.");
        }
        DateTimeOffset? since = null;
        if (Value(query, "updated_since") is { } sinceText)
        {
            if (!DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return VendorErrors.Sgt(StatusCodes.Status400BadRequest, "invalid_request", $"updated_since deve ser uma data ISO 8601; recebido '{sinceText}'.");
            }
            since = parsed;
        }
        var (data, total) = account.Sgt.List(page, perPage, since);
        return VendorResult.Ok(new JsonObject
        {
            ["data"] = data,
            ["page"] = page,
            ["per_page"] = perPage,
            ["total"] = total,
            ["total_pages"] = (total + perPage - 1) / perPage,
        });
    }

    private static VendorResult Find(HttpContext context)
    {
        var account = SgtAuthFilter.AccountOf(context);
        var email = Value(context.Request.Query, "email");
        var telefone = Value(context.Request.Query, "telefone");
        if (email is null && telefone is null)
        {
            return VendorErrors.Sgt(StatusCodes.Status400BadRequest, "invalid_request", "Informe email ou telefone.");
        }
        return account.Sgt.Find(email, telefone) is { } lead
            ? VendorResult.Ok(new JsonObject { ["data"] = lead })
            : VendorErrors.Sgt(StatusCodes.Status404NotFound, "not_found", "Nenhum lead encontrado.");
    }

    private static string? Value(IQueryCollection query, string name) => query[name].ToString() is { Length: > 0 } v ? v : null;
}

/// <summary>Reads the bearer token, passes the gate, and refuses tokens no SGT account has.</summary>
internal sealed class SgtAuthFilter(AccountRegistry accounts, VendorGate gate) : IEndpointFilter
{
    private const string AccountItem = "simulator.account";

    public static Account AccountOf(HttpContext context) => (Account)context.Items[AccountItem]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";
        var account = accounts.Find(Vendor.Sgt, token);
        var verdict = await gate.PassAsync(Vendor.Sgt, token.Length > 0 ? token : "(none)", account, http.RequestAborted);
        if (verdict is not null)
        {
            return VendorErrors.For(Vendor.Sgt, verdict, gate.EffectiveLimit(Vendor.Sgt, account).Permits);
        }
        if (account is null)
        {
            return VendorErrors.Sgt(StatusCodes.Status401Unauthorized, "unauthorized", "Token ausente ou inválido.",
                new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer" });
        }
        http.Items[AccountItem] = account;
        return await next(context);
    }
}
