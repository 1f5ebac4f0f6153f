using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Platform.SourceSimulator.Accounts;
using Platform.SourceSimulator.Endpoints;
using Platform.SourceSimulator.Traffic;

namespace Platform.SourceSimulator.PayPal;

/// <summary>Access tokens of <c>POST /v1/oauth2/token</c> (opaque; each belongs to one client_id).</summary>
internal sealed class PayPalTokens(IOptions<SimulatorOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (string ClientId, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);
    private long _issued;

    public TimeSpan Lifetime => options.Value.PayPalTokenLifetime;

    /// <summary>Tokens issued so far (a connector that caches asks once per lifetime).</summary>
    public long Issued => Interlocked.Read(ref _issued);

    public string Issue(string clientId)
    {
        Interlocked.Increment(ref _issued);
        var token = "A21AA" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _tokens[token] = (clientId, time.GetUtcNow() + Lifetime);
        return token;
    }

    public (string ClientId, bool Expired)? Find(string token) =>
        _tokens.TryGetValue(token, out var entry) ? (entry.ClientId, entry.Expires <= time.GetUtcNow()) : null;
}

/// <summary>
/// The key and certificate PayPal signs webhook deliveries with. The message is
/// <c>transmission_id|transmission_time|webhook_id|crc32(raw body)</c>, signed RSA-SHA256.
/// </summary>
internal sealed class PayPalWebhookKey : IDisposable
{
    /// <summary>Where PayPal's certificates live (PayPal's own host); the default PAYPAL-CERT-URL.</summary>
    public const string DefaultCertUrl = "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-simulator";

    private readonly RSA _rsa = RSA.Create(2048);

    public PayPalWebhookKey(IOptions<SimulatorOptions> options)
    {
        CertUrl = string.IsNullOrWhiteSpace(options.Value.PayPalCertUrl) ? DefaultCertUrl : options.Value.PayPalCertUrl.Trim();
        var request = new CertificateRequest("CN=messageverificationcerts.paypal.com, O=PayPal Inc. (simulated)", _rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2));
        CertificatePem = certificate.ExportCertificatePem();
    }

    public string CertificatePem { get; }

    /// <summary>
    /// PAYPAL-CERT-URL of every delivery: PayPal's host by default (the connector verifies online), or the simulator's
    /// own <c>/v1/notifications/certs/…</c> address (<c>Simulator:PayPalCertUrl</c>) so a connector verifying offline
    /// downloads this key's certificate from the simulator.
    /// </summary>
    public string CertUrl { get; }

    public static string Message(string transmissionId, string transmissionTime, string webhookId, string body) =>
        $"{transmissionId}|{transmissionTime}|{webhookId}|{PayPalData.Crc32(body).ToString(CultureInfo.InvariantCulture)}";

    public string Sign(string message) =>
        Convert.ToBase64String(_rsa.SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public bool Verify(string message, string signature)
    {
        try
        {
            return _rsa.VerifyData(Encoding.UTF8.GetBytes(message), Convert.FromBase64String(signature), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public void Dispose() => _rsa.Dispose();
}

/// <summary>
/// PayPal REST on <c>api-m.paypal.com</c>'s paths: <c>POST /v1/oauth2/token</c> (client credentials, Basic auth),
/// <c>GET /v1/reporting/transactions</c> (start_date and end_date required, at most 31 days apart, page_size ≤ 500,
/// transactions visible 3 hours after they happen), <c>GET /v1/billing/subscriptions/{id}</c>,
/// <c>POST /v1/notifications/verify-webhook-signature</c> and the signing certificate.
/// </summary>
internal static class PayPalEndpoints
{
    public static IEndpointRouteBuilder MapPayPalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/oauth2/token", Token).WithTags("PayPal").WithName("PayPalToken");
        var api = app.MapGroup("/v1").WithTags("PayPal").AddEndpointFilter<PayPalAuthFilter>();
        api.MapGet("/reporting/transactions", Transactions).WithName("PayPalTransactions");
        api.MapGet("/billing/subscriptions/{id}", Subscription).WithName("PayPalSubscription");
        api.MapPost("/notifications/verify-webhook-signature", VerifyWebhookSignature).WithName("PayPalVerifyWebhookSignature");
        app.MapGet("/v1/notifications/certs/{name}", (PayPalWebhookKey key) => TypedResults.Text(key.CertificatePem, "application/x-pem-file"))
            .WithTags("PayPal").WithName("PayPalCertificate");
        app.MapPost("/_simulator/paypal/corrupt", Corrupt).WithTags("Simulator").WithName("PayPalCorrupt");
        app.MapPost("/_simulator/paypal/scenario", Scenario).WithTags("Simulator").WithName("PayPalScenario");
        return app;
    }

    public static VendorResult Error(int status, string name, string message, JsonArray? details = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["message"] = message,
            ["debug_id"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(7)),
        };
        if (details is not null)
        {
            body["details"] = details;
        }
        body["links"] = new JsonArray(new JsonObject
        {
            ["href"] = "https://developer.paypal.com/docs/api/transaction-search/v1/#error-" + name,
            ["rel"] = "information_link",
        });
        return new VendorResult(status, body, headers);
    }

    public static VendorResult OAuthError(int status, string error, string description) =>
        new(status, new JsonObject { ["error"] = error, ["error_description"] = description });

    private static VendorResult Invalid(string field, string? value, string issue) =>
        Error(StatusCodes.Status400BadRequest, "INVALID_REQUEST", "Request is not well-formed, syntactically incorrect, or violates schema.",
            new JsonArray(new JsonObject { ["field"] = field, ["value"] = value ?? "", ["location"] = "query", ["issue"] = issue }));

    private static async Task<IResult> Token(HttpContext context, AccountRegistry accounts, VendorGate gate, PayPalTokens tokens)
    {
        var (id, secret) = HotmartEndpoints.Basic(context.Request.Headers.Authorization.ToString());
        var account = accounts.Find(Vendor.PayPal, id);
        var verdict = await gate.PassAsync(Vendor.PayPal, id ?? "(none)", account, context.RequestAborted);
        if (verdict is not null)
        {
            return PayPalAuthFilter.Answer(verdict);
        }
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        if (form?["grant_type"].ToString() != "client_credentials")
        {
            return OAuthError(StatusCodes.Status400BadRequest, "unsupported_grant_type", "Grant Type is NULL or not supported: send grant_type=client_credentials as a form field");
        }
        if (account is null || secret != account.Secret)
        {
            return OAuthError(StatusCodes.Status401Unauthorized, "invalid_client", "Client Authentication failed");
        }
        return VendorResult.Ok(new JsonObject
        {
            ["scope"] = "https://uri.paypal.com/services/reporting/search/read https://uri.paypal.com/services/subscriptions",
            ["access_token"] = tokens.Issue(account.Key),
            ["token_type"] = "Bearer",
            ["app_id"] = "APP-80W284485P519543T",
            ["expires_in"] = (long)tokens.Lifetime.TotalSeconds,
            ["nonce"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
        });
    }

    private static VendorResult Transactions(HttpContext context, TimeProvider time)
    {
        var query = context.Request.Query;
        if (!TryDate(query["start_date"].ToString(), out var start))
        {
            return Invalid("start_date", query["start_date"], "start_date is required, in RFC 3339 format with seconds (2024-01-31T00:00:00-0300)");
        }
        if (!TryDate(query["end_date"].ToString(), out var end))
        {
            return Invalid("end_date", query["end_date"], "end_date is required, in RFC 3339 format with seconds");
        }
        if (end <= start)
        {
            return Invalid("end_date", query["end_date"], "end_date must be after start_date");
        }
        if (end - start > PayPalData.MaxRange)
        {
            return Invalid("end_date", query["end_date"], "Date range is greater than 31 days");
        }
        if (start < time.GetUtcNow().AddYears(-3))
        {
            return Invalid("start_date", query["start_date"], "Start date cannot be older than 3 years");
        }
        var pageSize = 100;
        if (query["page_size"].ToString() is { Length: > 0 } sizeText
            && (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > PayPalData.MaxPageSize))
        {
            return Invalid("page_size", sizeText, $"page_size must be between 1 and {PayPalData.MaxPageSize}");
        }
        var page = 1;
        if (query["page"].ToString() is { Length: > 0 } pageText
            && (!int.TryParse(pageText, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page < 1))
        {
            return Invalid("page", pageText, "page must be 1 or more");
        }
        var fields = query["fields"].ToString();
        var status = query["transaction_status"].ToString() is { Length: > 0 } s ? s : null;
        if (status is not null && status is not ("D" or "P" or "S" or "V"))
        {
            return Invalid("transaction_status", status, "transaction_status must be one of D, P, S, V");
        }
        var data = PayPalAuthFilter.AccountOf(context).PayPal;
        return VendorResult.Ok(data.Search(new PayPalTransactionQuery(start, end, pageSize, page, fields.Split(',').Contains("all"),
            query["transaction_id"].ToString() is { Length: > 0 } id ? id : null, status), time.GetUtcNow()));
    }

    private static VendorResult Subscription(string id, HttpContext context) =>
        PayPalAuthFilter.AccountOf(context).PayPal.Subscription(id) is { } subscription
            ? VendorResult.Ok(subscription)
            : Error(StatusCodes.Status404NotFound, "RESOURCE_NOT_FOUND", "The specified resource does not exist.",
                new JsonArray(new JsonObject { ["issue"] = "INVALID_RESOURCE_ID", ["description"] = "Requested resource ID was not found." }));

    /// <summary>
    /// Checks the delivery's signature against the raw text of <c>webhook_event</c> as it stands in this request: a
    /// caller that re-serialised the event (other spacing, other key order) gets FAILURE, as on PayPal.
    /// </summary>
    private static readonly string[] VerifyFields = ["auth_algo", "cert_url", "transmission_id", "transmission_sig", "transmission_time", "webhook_id"];

    private static async Task<IResult> VerifyWebhookSignature(HttpContext context, PayPalWebhookKey key)
    {
        using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var root = document.RootElement;
        string? Field(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var missing = VerifyFields.Where(f => string.IsNullOrEmpty(Field(f))).ToList();
        if (missing.Count > 0 || !root.TryGetProperty("webhook_event", out var webhookEvent) || webhookEvent.ValueKind != JsonValueKind.Object)
        {
            if (missing.Count == 0)
            {
                missing.Add("webhook_event");
            }
            return Error(StatusCodes.Status400BadRequest, "VALIDATION_ERROR", "Invalid request - see details",
                new JsonArray([.. missing.Select(f => (JsonNode)new JsonObject { ["field"] = f, ["location"] = "body", ["issue"] = "MISSING_REQUIRED_PARAMETER" })]));
        }
        var ok = Field("auth_algo") == "SHA256withRSA" && Field("cert_url") == key.CertUrl
            && key.Verify(PayPalWebhookKey.Message(Field("transmission_id")!, Field("transmission_time")!, Field("webhook_id")!, webhookEvent.GetRawText()),
                Field("transmission_sig")!);
        return VendorResult.Ok(new JsonObject { ["verification_status"] = ok ? "SUCCESS" : "FAILURE" });
    }

    private sealed record CorruptRequest(string? ClientId, string? TransactionId);

    /// <summary>Makes one transaction render with an amount PayPal would never send (<c>"12,34.5x"</c>).</summary>
    private static IResult Corrupt(CorruptRequest request, AccountRegistry accounts) =>
        accounts.Find(Vendor.PayPal, request.ClientId) is { } account && request.TransactionId is { } id && account.PayPal.Corrupt(id)
            ? TypedResults.NoContent()
            : TypedResults.Problem($"No PayPal account '{request.ClientId}' with transaction '{request.TransactionId}'.", statusCode: StatusCodes.Status404NotFound,
                title: "Unknown transaction");

    private static readonly string[] DateFormats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    private sealed record ScenarioRequest(string? ClientId, string? Email, decimal? Amount, string? Currency, decimal? Refund, decimal? Reversal, DateTimeOffset? PaidAt);

    private sealed record ScenarioResult(string Payment, string? Refund, string? Reversal);

    /// <summary>A payment with a refund an hour later and a reversal two hours later (parts of it), for netting tests.</summary>
    private static IResult Scenario(ScenarioRequest request, AccountRegistry accounts)
    {
        if (accounts.Find(Vendor.PayPal, request.ClientId) is not { } account)
        {
            return TypedResults.Problem($"No PayPal account '{request.ClientId}'.", statusCode: StatusCodes.Status404NotFound, title: "Unknown account");
        }
        if (string.IsNullOrWhiteSpace(request.Email) || request.Amount is not > 0 || request.PaidAt is null
            || request.Refund is < 0 || request.Reversal is < 0 || (request.Refund ?? 0) + (request.Reversal ?? 0) > request.Amount)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["scenario"] = ["email, amount > 0 and paidAt are required; refund and reversal are parts of the amount (together at most the amount)."],
            });
        }
        var (payment, refund, reversal) = account.PayPal.Scenario(request.Email.Trim(), request.Amount.Value, (request.Currency ?? "BRL").ToUpperInvariant(),
            request.Refund, request.Reversal, request.PaidAt.Value);
        return TypedResults.Ok(new ScenarioResult(payment, refund, reversal));
    }

    /// <summary>RFC 3339 with seconds; PayPal accepts <c>Z</c>, <c>-03:00</c> and <c>-0300</c>.</summary>
    private static bool TryDate(string text, out DateTimeOffset date)
    {
        date = default;
        if (text.Length < 20)
        {
            return false;
        }
        if (text.Length >= 5 && (text[^5] is '+' or '-') && char.IsDigit(text[^1]) && text[^3] != ':')
        {
            text = text[..^2] + ":" + text[^2..];
        }
        return DateTimeOffset.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.None, out date);
    }
}

/// <summary>Bearer token → account, and the gate (faults and the rate limit), answered in PayPal's shapes.</summary>
internal sealed class PayPalAuthFilter(AccountRegistry accounts, VendorGate gate, PayPalTokens tokens) : IEndpointFilter
{
    private const string AccountItem = "simulator.account";

    public static Account AccountOf(HttpContext context) => (Account)context.Items[AccountItem]!;

    public static VendorResult Answer(GateVerdict verdict) => verdict switch
    {
        Throttled t => PayPalEndpoints.Error(StatusCodes.Status429TooManyRequests, "RATE_LIMIT_REACHED", "Too many requests. Blocked due to rate limiting.",
            headers: new Dictionary<string, string> { ["Retry-After"] = t.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture) }),
        Failed f => PayPalEndpoints.Error(f.Status, "INTERNAL_SERVER_ERROR", "An internal server error occurred (simulated fault)."),
        _ => PayPalEndpoints.OAuthError(StatusCodes.Status401Unauthorized, "invalid_token", "Token signature verification failed"),
    };

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var issued = string.IsNullOrEmpty(token) ? null : tokens.Find(token);
        var account = issued is { } i ? accounts.Find(Vendor.PayPal, i.ClientId) : null;
        var verdict = await gate.PassAsync(Vendor.PayPal, issued?.ClientId ?? "(invalid token)", account, http.RequestAborted);
        if (verdict is not null)
        {
            return Answer(verdict);
        }
        if (issued is null || account is null)
        {
            return PayPalEndpoints.OAuthError(StatusCodes.Status401Unauthorized, "invalid_token", "Token signature verification failed");
        }
        if (issued.Value.Expired)
        {
            return PayPalEndpoints.OAuthError(StatusCodes.Status401Unauthorized, "invalid_token", "Access Token expired");
        }
        http.Items[AccountItem] = account;
        return await next(context);
    }
}
