using System.Text.Json.Serialization;

namespace Platform.Contracts.Sources;

/// <summary>What a field holds, so it can be validated and shown.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SourceFieldKind>))]
public enum SourceFieldKind
{
    /// <summary>Free text (an id, a key, a name).</summary>
    Text,

    /// <summary>An absolute http(s) address (a base address pointing at the vendor or the source simulator).</summary>
    Url,

    /// <summary>Several values: an array of strings, or one string with values separated by commas.</summary>
    List,

    /// <summary>A public key or certificate in PEM (or the bare base64 of its key).</summary>
    Pem,
}

/// <summary>One setting of a source for a workspace.</summary>
/// <param name="Name">Its name in the API (camelCase: <c>apiKey</c>).</param>
/// <param name="ConfigKey">Its key in a connector's configuration (<c>Connectors:{Source}:Workspaces:{workspace}:{ConfigKey}</c>, PascalCase: <c>ApiKey</c>).</param>
/// <param name="Kind">What it holds.</param>
/// <param name="Secret">Stored encrypted, never returned by any GET, never logged.</param>
/// <param name="Required">Must be set before the source can be saved.</param>
/// <param name="Description">What it is and where the vendor shows it.</param>
/// <param name="ConnectorWritable">The connector may write it back (a rotated OAuth refresh token).</param>
public sealed record SourceField(
    string Name,
    string ConfigKey,
    SourceFieldKind Kind,
    bool Secret,
    bool Required,
    string Description,
    bool ConnectorWritable = false);

/// <summary>Alternatives of which at least one must be complete (GoHighLevel: a private integration token, or an OAuth client and refresh token).</summary>
/// <param name="Name">What the alternatives provide (<c>authentication</c>).</param>
/// <param name="Alternatives">Each a set of field names that together suffice.</param>
public sealed record SourceFieldAlternatives(string Name, IReadOnlyList<IReadOnlyList<string>> Alternatives);

/// <summary>A source's settings schema: what <c>PUT /api/workspaces/{workspaceId}/sources/{source}</c> accepts.</summary>
/// <param name="Source">Kebab-case source name.</param>
/// <param name="Title">The vendor's name as people write it.</param>
/// <param name="Fields">Every field the source accepts; anything else is refused.</param>
/// <param name="OneOf">Groups of alternatives, each of which needs one complete alternative.</param>
public sealed record SourceSpec(string Source, string Title, IReadOnlyList<SourceField> Fields, IReadOnlyList<SourceFieldAlternatives> OneOf)
{
    /// <summary>The field with this API name or configuration key (case-insensitive), or null.</summary>
    public SourceField? Field(string name) =>
        Fields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(f.ConfigKey, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// The settings of every source, in one place: the sync orchestrator validates and stores by them, connectors read
/// the fields by <see cref="SourceField.ConfigKey"/>. A new source adds its spec here.
/// </summary>
public static class SourceSpecs
{
    private static SourceField BaseAddress(string vendorDefault) => new("baseAddress", "BaseAddress", SourceFieldKind.Url, Secret: false, Required: false,
        $"API base address; empty for the vendor's ({vendorDefault}). Point it at the source simulator to test.");

    /// <summary>Stripe: a secret or restricted key; the webhook endpoint's signing secret.</summary>
    public static readonly SourceSpec Stripe = new("stripe", "Stripe",
    [
        new("apiKey", "ApiKey", SourceFieldKind.Text, Secret: true, Required: true,
            "Secret or restricted key (sk_… or rk_…) with read access to customers, charges, invoices, subscriptions and events: Dashboard → Developers → API keys."),
        new("webhookSecret", "WebhookSecret", SourceFieldKind.Text, Secret: true, Required: false,
            "Signing secret of the webhook endpoint (whsec_…): Dashboard → Developers → Webhooks → the endpoint → Signing secret. Without it deliveries are refused."),
        BaseAddress("https://api.stripe.com/"),
    ], []);

    /// <summary>Hotmart: OAuth client credentials and the postback hottok.</summary>
    public static readonly SourceSpec Hotmart = new("hotmart", "Hotmart",
    [
        new("clientId", "ClientId", SourceFieldKind.Text, Secret: false, Required: true,
            "Client ID of the credential: Hotmart → Tools → Developer credentials."),
        new("clientSecret", "ClientSecret", SourceFieldKind.Text, Secret: true, Required: true,
            "Client Secret of the same credential."),
        new("basic", "Basic", SourceFieldKind.Text, Secret: true, Required: false,
            "The Basic token Hotmart shows beside the credential; when empty it is built from clientId:clientSecret."),
        new("hottok", "Hottok", SourceFieldKind.Text, Secret: true, Required: false,
            "The account's hottok: Hotmart → Tools → Developer Tools → Webhook. Without it postbacks are refused."),
        BaseAddress("https://developers.hotmart.com/"),
        new("authAddress", "AuthAddress", SourceFieldKind.Url, Secret: false, Required: false,
            "OAuth token address; empty for Hotmart's (https://api-sec-vlc.hotmart.com/)."),
    ], []);

    /// <summary>Ploomes: the integration User-Key and the webhooks' ValidationKey.</summary>
    public static readonly SourceSpec Ploomes = new("ploomes", "Ploomes",
    [
        new("userKey", "UserKey", SourceFieldKind.Text, Secret: true, Required: true,
            "User-Key of an integration user allowed to read Contacts and Deals: Ploomes → Administração → Integrações → Chave de API."),
        new("validationKey", "ValidationKey", SourceFieldKind.Text, Secret: true, Required: false,
            "ValidationKey the webhooks were created with (POST /Webhooks). Without it pushes are refused."),
        new("clientTagName", "ClientTagName", SourceFieldKind.Text, Secret: false, Required: false,
            "Name of the tag that marks a contact or deal as a customer (e.g. Cliente)."),
        new("clientTagId", "ClientTagId", SourceFieldKind.Text, Secret: false, Required: false,
            "Id of that tag, when the name is ambiguous."),
        new("defaultCurrency", "DefaultCurrency", SourceFieldKind.Text, Secret: false, Required: false,
            "ISO 4217 currency of deal amounts (BRL when empty)."),
        BaseAddress("https://public-api2.ploomes.com/"),
    ], []);

    /// <summary>GoHighLevel (LeadConnector v2): a private integration token or an OAuth app; the locations synced.</summary>
    public static readonly SourceSpec GoHighLevel = new("gohighlevel", "GoHighLevel",
    [
        new("privateIntegrationToken", "PrivateIntegrationToken", SourceFieldKind.Text, Secret: true, Required: false,
            "Private integration token (pit-…): Settings → Private Integrations, with contacts and opportunities read scopes."),
        new("clientId", "ClientId", SourceFieldKind.Text, Secret: false, Required: false,
            "OAuth client id of the Marketplace app (instead of a private integration token)."),
        new("clientSecret", "ClientSecret", SourceFieldKind.Text, Secret: true, Required: false,
            "OAuth client secret of the Marketplace app."),
        new("refreshToken", "RefreshToken", SourceFieldKind.Text, Secret: true, Required: false,
            "OAuth refresh token of the installation; the connector stores each rotated one.", ConnectorWritable: true),
        new("locationIds", "LocationIds", SourceFieldKind.List, Secret: false, Required: true,
            "Location (sub-account) ids synced for this workspace; webhooks naming one of them are staged here."),
        new("webhookPublicKey", "WebhookPublicKey", SourceFieldKind.Pem, Secret: false, Required: false,
            "RSA public key that verifies x-wh-signature; empty for HighLevel's published key."),
        BaseAddress("https://services.leadconnectorhq.com/"),
    ],
    [
        new("authentication", [["privateIntegrationToken"], ["clientId", "clientSecret", "refreshToken"]]),
    ]);

    /// <summary>PayPal: a REST app's client credentials and the webhook id that verifies deliveries.</summary>
    public static readonly SourceSpec PayPal = new("paypal", "PayPal",
    [
        new("clientId", "ClientId", SourceFieldKind.Text, Secret: false, Required: true,
            "Client ID of the REST app: developer.paypal.com → Apps & Credentials."),
        new("clientSecret", "ClientSecret", SourceFieldKind.Text, Secret: true, Required: true,
            "Secret of the same app (it needs Transaction Search)."),
        new("webhookId", "WebhookId", SourceFieldKind.Text, Secret: false, Required: false,
            "Id of the app's webhook, used to verify deliveries. Without it deliveries are refused."),
        new("webhookVerification", "WebhookVerification", SourceFieldKind.Text, Secret: false, Required: false,
            "online (default): each delivery is verified by PayPal (verify-webhook-signature); offline: the connector checks the " +
            "signature itself with PayPal's certificate (downloaded from PayPal's hosts only, cached), no call per delivery."),
        BaseAddress("https://api-m.paypal.com/; sandbox https://api-m.sandbox.paypal.com/"),
    ], []);

    /// <summary>ManyChat: one page's API key.</summary>
    public static readonly SourceSpec ManyChat = new("manychat", "ManyChat",
    [
        new("apiKey", "ApiKey", SourceFieldKind.Text, Secret: true, Required: true,
            "API key of the page, as ManyChat shows it (page-id:key): Settings → API (Pro plan)."),
        BaseAddress("https://api.manychat.com/"),
    ], []);

    /// <summary>SGT: a bearer token and the company (empresa) it reads.</summary>
    public static readonly SourceSpec Sgt = new("sgt", "SGT",
    [
        new("bearerToken", "BearerToken", SourceFieldKind.Text, Secret: true, Required: true,
            "Bearer token of the SGT API user."),
        new("empresa", "Empresa", SourceFieldKind.Text, Secret: false, Required: true,
            "Company (empresa) code whose records are read."),
        BaseAddress("the SGT server's address"),
    ], []);

    /// <summary>CSV files: nothing to set; files are uploaded.</summary>
    public static readonly SourceSpec Csv = new("csv", "CSV files", [], []);

    /// <summary>Every source, by name.</summary>
    public static readonly IReadOnlyList<SourceSpec> All = [Stripe, Hotmart, Ploomes, GoHighLevel, PayPal, ManyChat, Sgt, Csv];

    /// <summary>The spec of <paramref name="source"/> (case-insensitive), or null.</summary>
    public static SourceSpec? For(string? source) =>
        All.FirstOrDefault(s => string.Equals(s.Source, source, StringComparison.OrdinalIgnoreCase));
}
