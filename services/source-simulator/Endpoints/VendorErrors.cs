using System.Globalization;
using System.Text.Json.Nodes;
using Platform.SourceSimulator.Accounts;
using Platform.SourceSimulator.Traffic;

namespace Platform.SourceSimulator.Endpoints;

/// <summary>
/// Each vendor's error shapes. Stripe: <c>{"error":{"type","code","message","param"}}</c>; Hotmart:
/// <c>{"error","error_description"}</c>; Ploomes (ASP.NET OData; its 401 and 429 bodies are assumptions):
/// <c>{"error":{"code","message"}}</c>.
/// </summary>
internal static class VendorErrors
{
    public static VendorResult Stripe(int status, string type, string message, string? code = null, string? param = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var error = new JsonObject();
        if (code is not null)
        {
            error["code"] = code;
            error["doc_url"] = $"https://stripe.com/docs/error-codes/{code.Replace('_', '-')}";
        }
        error["message"] = message;
        if (param is not null)
        {
            error["param"] = param;
        }
        error["type"] = type;
        return new VendorResult(status, new JsonObject { ["error"] = error }, headers);
    }

    public static VendorResult StripeParam(string param, string message) =>
        Stripe(StatusCodes.Status400BadRequest, "invalid_request_error", message, param: param);

    public static VendorResult Hotmart(int status, string error, string description, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, new JsonObject { ["error"] = error, ["error_description"] = description }, headers);

    public static VendorResult Ploomes(int status, string message, string code = "", IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }, headers);

    /// <summary>SGT (an internal system; its contract): <c>{"error":"code","message":"…"}</c>.</summary>
    public static VendorResult Sgt(int status, string error, string message, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, new JsonObject { ["error"] = error, ["message"] = message }, headers);

    /// <summary>The vendor's answer to a gate verdict (fault or rate limit).</summary>
    public static VendorResult For(Vendor source, GateVerdict verdict, int limitPermits) => (source, verdict) switch
    {
        (Vendor.Stripe, Throttled t) => Stripe(StatusCodes.Status429TooManyRequests, "invalid_request_error",
            "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.", code: "rate_limit", headers: RetryAfter(t)),
        (Vendor.Stripe, Failed f) => Stripe(f.Status, "api_error", "An unknown error occurred. Please retry the request (simulated fault)."),
        (Vendor.Stripe, _) => Stripe(StatusCodes.Status401Unauthorized, "invalid_request_error",
            "Expired API Key provided. This key was revoked or rolled (simulated fault).", code: "api_key_expired", headers: StripeAuthenticate),
        (Vendor.Hotmart, Throttled t) => Hotmart(StatusCodes.Status429TooManyRequests, "too_many_requests", "Rate limit exceeded. Try again later.",
            new Dictionary<string, string>(RetryAfter(t))
            {
                ["RateLimit-Limit"] = limitPermits.ToString(CultureInfo.InvariantCulture),
                ["RateLimit-Remaining"] = "0",
                ["RateLimit-Reset"] = t.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture),
            }),
        (Vendor.Hotmart, Failed f) => Hotmart(f.Status, "internal_server_error", "Unexpected server error (simulated fault)."),
        (Vendor.Hotmart, _) => Hotmart(StatusCodes.Status401Unauthorized, "invalid_token", "The access token was revoked (simulated fault)."),
        (Vendor.Sgt, Throttled t) => Sgt(StatusCodes.Status429TooManyRequests, "rate_limited",
            $"Limite de {limitPermits} requisições por segundo excedido. Tente novamente em {t.RetryAfterSeconds} s.", RetryAfter(t)),
        (Vendor.Sgt, Failed f) => Sgt(f.Status, "internal_error", "Erro interno do SGT (simulated fault)."),
        (Vendor.Sgt, _) => Sgt(StatusCodes.Status401Unauthorized, "unauthorized", "Token revogado ou expirado (simulated fault)."),
        (_, Throttled t) => Ploomes(StatusCodes.Status429TooManyRequests, "Limite de requisições excedido. Tente novamente mais tarde.", "TooManyRequests", RetryAfter(t)),
        (_, Failed f) => Ploomes(f.Status, "An error has occurred (simulated fault)."),
        _ => Ploomes(StatusCodes.Status401Unauthorized, "Authorization has been denied for this request."),
    };

    public static readonly IReadOnlyDictionary<string, string> StripeAuthenticate = new Dictionary<string, string> { ["WWW-Authenticate"] = "Basic realm=\"Stripe\"" };

    private static Dictionary<string, string> RetryAfter(Throttled t) => new() { ["Retry-After"] = t.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture) };
}
