using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Platform.SourceSimulator.Endpoints;

namespace Platform.SourceSimulator.ManyChat;

/// <summary>The ManyChat pages the simulator serves (created through <c>/_simulator/manychat/accounts</c>).</summary>
internal sealed class ManyChatAccounts(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ManyChatAccount> _byToken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Page, string Endpoint), RateLimiter> _limits = new();

    public DateTimeOffset Anchor { get; } = new(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);

    public ManyChatAccount GetOrAdd(string token, int seed, int size, double rateScale) =>
        _byToken.GetOrAdd(token, t => new ManyChatAccount(t, seed, size, rateScale, Anchor));

    public ManyChatAccount? Find(string? token) => token is null ? null : _byToken.GetValueOrDefault(token);

    public ManyChatAccount? FindPage(string pageId) => _byToken.Values.FirstOrDefault(a => a.PageId == pageId);

    /// <summary>ManyChat's documented per-endpoint limits (requests per second per page), scaled per account.</summary>
    public bool TryAcquire(ManyChatAccount account, string endpoint, int perSecond)
    {
        if (account.RateScale <= 0)
        {
            return true;
        }
        var permits = Math.Max(1, (int)Math.Round(perSecond * account.RateScale));
        var limiter = _limits.GetOrAdd((account.PageId, endpoint), _ => new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromSeconds(1),
            SegmentsPerWindow = 10,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        using var lease = limiter.AttemptAcquire();
        return lease.IsAcquired;
    }
}

/// <summary>
/// ManyChat's subscriber API as the official Swagger describes it: <c>Authorization: Bearer page_id:api_key</c>, every
/// answer in the envelope <c>{"status":"success","data":…}</c>, errors <c>{"status":"error","message":…,"details":{"messages":[…]}}</c>,
/// per-endpoint limits per page (findBySystemField 50/s, getInfo and addTag 10/s, sendFlow 20/s, getTags 100/s). ManyChat documents no
/// exhaustion answer: the simulator answers 429 with the error envelope (an assumption). A search that finds nobody
/// answers success with empty data.
/// </summary>
internal static class ManyChatEndpoints
{
    public static IEndpointRouteBuilder MapManyChatEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/fb").WithTags("ManyChat");
        api.MapGet("/subscriber/getInfo", GetInfo).WithName("ManyChatGetInfo");
        api.MapGet("/subscriber/findBySystemField", FindBySystemField).WithName("ManyChatFindBySystemField");
        api.MapPost("/subscriber/addTagByName", AddTagByName).WithName("ManyChatAddTagByName");
        api.MapGet("/page/getTags", GetTags).WithName("ManyChatGetTags");
        api.MapPost("/sending/sendFlow", SendFlow).WithName("ManyChatSendFlow");

        var admin = app.MapGroup("/_simulator/manychat").WithTags("Simulator");
        admin.MapPost("/accounts", CreateAccount).WithName("ManyChatCreateAccount");
        admin.MapPost("/accounts/{pageId}/subscribers", AddSubscriber).WithName("ManyChatAddSubscriber");
        admin.MapGet("/accounts/{pageId}/tag-calls", TagCalls).WithName("ManyChatTagCalls");
        admin.MapGet("/accounts/{pageId}/flow-calls", FlowCalls).WithName("ManyChatFlowCalls");
        admin.MapPost("/accounts/{pageId}/faults", AddFaults).WithName("ManyChatFaults");
        admin.MapGet("/accounts/{pageId}/export.csv", Export).WithName("ManyChatExport");
        return app;
    }

    private static VendorResult GetInfo(HttpContext context, ManyChatAccounts accounts, string? subscriber_id) =>
        Gate(context, accounts, "getInfo", 10, account =>
        {
            if (string.IsNullOrWhiteSpace(subscriber_id))
            {
                return Error(400, "Validation error", "subscriber_id: This value should not be blank.");
            }
            return account.ById(subscriber_id) is { } s ? Success(account.Json(s)) : Error(400, "Subscriber does not exist", $"subscriber_id: {subscriber_id} not found");
        });

    private static VendorResult FindBySystemField(HttpContext context, ManyChatAccounts accounts, string? email, string? phone) =>
        Gate(context, accounts, "findBySystemField", 50, account =>
        {
            if (string.IsNullOrWhiteSpace(email) == string.IsNullOrWhiteSpace(phone))
            {
                return Error(400, "Validation error", "Exactly one of email or phone must be given.");
            }
            var found = email is not null ? account.ByEmail(email) : account.ByPhone(phone!);
            return Success(found is null ? new JsonObject() : account.Json(found));
        });

    private static async Task<VendorResult> AddTagByName(HttpContext context, ManyChatAccounts accounts, TimeProvider time)
    {
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body);
        }
        catch (JsonException)
        {
            body = null;
        }
        return Gate(context, accounts, "addTag", 10, account =>
        {
            var id = body?["subscriber_id"]?.ToString();
            var tag = body?["tag_name"]?.GetValue<string>();
            if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(tag))
            {
                return Error(400, "Validation error", "subscriber_id and tag_name are required.");
            }
            if (account.ById(id) is not { } subscriber)
            {
                return Error(400, "Subscriber does not exist", $"subscriber_id: {id} not found");
            }
            account.AddTag(subscriber, tag, time.GetUtcNow());
            return new VendorResult(200, new JsonObject { ["status"] = "success" });
        });
    }

    /// <summary>
    /// <c>POST /fb/sending/sendFlow {subscriber_id, flow_ns}</c> (20/s per page). Flow namespaces look like
    /// <c>content20240101000000_000000</c>; anything else is a flow ManyChat does not know.
    /// </summary>
    private static async Task<VendorResult> SendFlow(HttpContext context, ManyChatAccounts accounts, TimeProvider time)
    {
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body);
        }
        catch (JsonException)
        {
            body = null;
        }
        return Gate(context, accounts, "sendFlow", 20, account =>
        {
            var id = body?["subscriber_id"]?.ToString();
            var flow = body?["flow_ns"]?.ToString();
            if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(flow))
            {
                return Error(400, "Validation error", "subscriber_id and flow_ns are required.");
            }
            if (!flow.StartsWith("content", StringComparison.Ordinal))
            {
                return Error(400, "Flow not found", $"flow_ns: {flow} is not a flow of this page");
            }
            if (account.ById(id) is not { } subscriber)
            {
                return Error(400, "Subscriber does not exist", $"subscriber_id: {id} not found");
            }
            account.SendFlow(subscriber, flow, time.GetUtcNow());
            return new VendorResult(200, new JsonObject { ["status"] = "success" });
        });
    }

    private static VendorResult GetTags(HttpContext context, ManyChatAccounts accounts) =>
        Gate(context, accounts, "getTags", 100, account => Success(new JsonArray([.. account.Subscribers.SelectMany(s => s.Tags).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).Select(t => (JsonNode)new JsonObject { ["name"] = t })])));

    private static VendorResult Gate(HttpContext context, ManyChatAccounts accounts, string endpoint, int perSecond, Func<ManyChatAccount, VendorResult> handler)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..].Trim() : null;
        if (accounts.Find(token) is not { } account)
        {
            return Error(401, "Wrong format token", "The token must be 'page_id:api_key' of a Pro page.");
        }
        if (account.TakeFault() is { } status)
        {
            return Error(status, status == 429 ? "Too Many Requests" : "Internal Server Error", "simulated fault");
        }
        if (!accounts.TryAcquire(account, endpoint, perSecond))
        {
            return Error(429, "Too Many Requests", $"{endpoint} allows {perSecond} requests per second per page.");
        }
        return handler(account);
    }

    private static VendorResult Success(JsonNode data) => VendorResult.Ok(new JsonObject { ["status"] = "success", ["data"] = data });

    private static VendorResult Error(int status, string message, string detail) => new(status, new JsonObject
    {
        ["status"] = "error",
        ["message"] = message,
        ["details"] = new JsonObject { ["messages"] = new JsonArray(new JsonObject { ["message"] = detail }) },
    });

    internal sealed record CreateAccountRequest(string? Token, int? Seed, int? Size, double? RateScale);

    internal sealed record SubscriberRequest(string? Id, string? FirstName, string? LastName, string? Email, string? Phone, string[]? Tags);

    internal sealed record FaultRequest(int Status, int Count);

    private static IResult CreateAccount(CreateAccountRequest request, ManyChatAccounts accounts)
    {
        if (request.Token is not { } token || token.IndexOf(':', StringComparison.Ordinal) is <= 0)
        {
            return TypedResults.Problem(statusCode: 400, title: "Invalid token", detail: "token must be 'page_id:api_key'.");
        }
        if (request.Size is < 0 or > 200_000)
        {
            return TypedResults.Problem(statusCode: 400, title: "Invalid size", detail: "size must be between 0 and 200,000 subscribers.");
        }
        var account = accounts.GetOrAdd(token, request.Seed ?? 42, request.Size ?? 100, request.RateScale ?? 1);
        return TypedResults.Ok(new { pageId = account.PageId, subscribers = account.Subscribers.Count(), account.Seed, account.RateScale });
    }

    private static IResult AddSubscriber(string pageId, SubscriberRequest request, ManyChatAccounts accounts, TimeProvider time)
    {
        if (accounts.FindPage(pageId) is not { } account)
        {
            return TypedResults.Problem(statusCode: 404, title: "No such page", detail: $"No ManyChat account has page {pageId}.");
        }
        var subscriber = new ManyChatSubscriber
        {
            Id = request.Id ?? Guid.NewGuid().ToString("N")[..12],
            FirstName = request.FirstName ?? "",
            LastName = request.LastName ?? "",
            Email = request.Email,
            Phone = request.Phone,
            SubscribedAt = time.GetUtcNow().AddDays(-10),
            LastInteraction = time.GetUtcNow().AddDays(-1),
        };
        foreach (var tag in request.Tags ?? [])
        {
            subscriber.Tags.Add(tag);
        }
        account.Add(subscriber);
        return TypedResults.Ok(account.Json(subscriber));
    }

    private static IResult TagCalls(string pageId, ManyChatAccounts accounts) =>
        accounts.FindPage(pageId) is { } account
            ? TypedResults.Ok(account.TagCalls)
            : TypedResults.Problem(statusCode: 404, title: "No such page", detail: $"No ManyChat account has page {pageId}.");

    private static IResult FlowCalls(string pageId, ManyChatAccounts accounts) =>
        accounts.FindPage(pageId) is { } account
            ? TypedResults.Ok(account.FlowCalls)
            : TypedResults.Problem(statusCode: 404, title: "No such page", detail: $"No ManyChat account has page {pageId}.");

    private static IResult AddFaults(string pageId, FaultRequest request, ManyChatAccounts accounts)
    {
        if (accounts.FindPage(pageId) is not { } account)
        {
            return TypedResults.Problem(statusCode: 404, title: "No such page", detail: $"No ManyChat account has page {pageId}.");
        }
        account.Fail(request.Status, request.Count);
        return TypedResults.NoContent();
    }

    /// <summary>The page's subscribers as the Portuguese export users download (the <c>manychat</c> import format).</summary>
    private static IResult Export(string pageId, ManyChatAccounts accounts)
    {
        if (accounts.FindPage(pageId) is not { } account)
        {
            return TypedResults.Problem(statusCode: 404, title: "No such page", detail: $"No ManyChat account has page {pageId}.");
        }
        var pt = CultureInfo.GetCultureInfo("pt-BR");
        var csv = new StringBuilder("ID do assinante;Nome;Sobrenome;E-mail;Telefone;WhatsApp;Tags;Valor gasto;Data de inscrição;Última interação;Curso de interesse;Cidade\r\n");
        foreach (var s in account.Subscribers)
        {
            static string Serial(DateTimeOffset at) =>
                (at.ToOffset(TimeSpan.FromHours(-3)).DateTime - new DateTime(1899, 12, 30)).TotalDays.ToString("0.#####", CultureInfo.GetCultureInfo("pt-BR"));
            var tags = string.Join(", ", s.Tags.Order(StringComparer.Ordinal));
            csv.Append(CultureInfo.InvariantCulture, $"{s.Id};{s.FirstName};{s.LastName};{s.Email};{s.Phone};{s.WhatsAppPhone};\"{tags}\";{s.AmountSpent.ToString("#,##0.00", pt)};{Serial(s.SubscribedAt)};{Serial(s.LastInteraction)};{s.CustomFields.GetValueOrDefault("Curso de interesse")};{s.CustomFields.GetValueOrDefault("Cidade")}\r\n");
        }
        return TypedResults.Bytes(new UTF8Encoding(true).GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray(), "text/csv; charset=utf-8", "manychat_output.csv");
    }
}
