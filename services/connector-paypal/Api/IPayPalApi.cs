using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Connectors.Hosting;
using Refit;

namespace Platform.Connectors.PayPal.Api;

/// <summary>
/// The PayPal REST calls the connector makes (<c>api-m.paypal.com</c>). The bearer token is added by
/// <see cref="PayPalAuthHandler"/> from the workspace's client credentials; every call carries the workspace.
/// </summary>
[Headers("Accept: application/json")]
public interface IPayPalApi
{
    /// <summary><c>GET /v1/reporting/transactions</c>: start_date and end_date at most 31 days apart, page_size ≤ 500.</summary>
    [Get("/v1/reporting/transactions")]
    Task<IApiResponse<JsonDocument>> TransactionsAsync([Property(SourceApiRegistration.WorkspaceProperty)] string workspaceId,
        [AliasAs("start_date")] string startDate, [AliasAs("end_date")] string endDate, string fields, [AliasAs("page_size")] int pageSize, int page,
        CancellationToken cancellationToken);

    /// <summary><c>GET /v1/billing/subscriptions/{id}</c>.</summary>
    [Get("/v1/billing/subscriptions/{id}")]
    Task<IApiResponse<JsonDocument>> SubscriptionAsync([Property(SourceApiRegistration.WorkspaceProperty)] string workspaceId, string id,
        CancellationToken cancellationToken);

    /// <summary>
    /// <c>POST /v1/notifications/verify-webhook-signature</c>. The body is built as text around the delivery's raw body:
    /// re-serialising the event would change the bytes PayPal signed.
    /// </summary>
    [Post("/v1/notifications/verify-webhook-signature")]
    Task<IApiResponse<JsonDocument>> VerifyWebhookSignatureAsync([Property(SourceApiRegistration.WorkspaceProperty)] string workspaceId,
        [Body] HttpContent body, CancellationToken cancellationToken);
}

/// <summary><c>POST /v1/oauth2/token</c> (client credentials, Basic auth), outside the bearer handler.</summary>
[Headers("Accept: application/json")]
public interface IPayPalAuthApi
{
    [Post("/v1/oauth2/token")]
    Task<IApiResponse<PayPalToken>> TokenAsync([Property(SourceApiRegistration.WorkspaceProperty)] string workspaceId,
        [Authorize("Basic")] string basicCredentials, [Body(BodySerializationMethod.UrlEncoded)] IDictionary<string, string> form,
        CancellationToken cancellationToken);
}

/// <summary>The token endpoint's answer.</summary>
public sealed record PayPalToken(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] long ExpiresIn);
