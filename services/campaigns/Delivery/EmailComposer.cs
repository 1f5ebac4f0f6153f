using System.Net;
using System.Text.RegularExpressions;
using MimeKit;
using Platform.Campaigns.Domain;

namespace Platform.Campaigns.Delivery;

/// <summary>
/// Builds a campaign email: placeholders filled, every http(s) link rewritten to a tracking link (by its index in the
/// step's HTML, so the click endpoint redirects only to the step's own links — never an open redirect), an open pixel
/// and an unsubscribe link added.
/// </summary>
internal static partial class EmailComposer
{
    [GeneratedRegex("""href\s*=\s*"(https?://[^"]+)"(?<rest>)""", RegexOptions.IgnoreCase)]
    private static partial Regex Href();

    /// <summary>The step's links, in order of first appearance (the click endpoint's index).</summary>
    public static IReadOnlyList<string> Links(string html) =>
        Href().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).Distinct(StringComparer.Ordinal).ToList();

    public static MimeMessage Compose(WorkflowNode step, string to, string? firstName, string? name, string token, CampaignsOptions options)
    {
        var baseUrl = options.TrackingBaseUrl.TrimEnd('/');
        var links = Links(step.Str("html") ?? "");
        var html = Fill(step.Str("html") ?? "", firstName, name, encode: true);
        html = Href().Replace(html, m =>
        {
            var index = links.ToList().IndexOf(WebUtility.HtmlDecode(m.Groups[1].Value));
            return $"href=\"{baseUrl}/t/c/{token}/{index}\"";
        });
        var unsubscribe = $"{baseUrl}/t/u/{token}";
        html += $"""<p style="font-size:11px;color:#888"><a href="{unsubscribe}">Unsubscribe</a></p><img src="{baseUrl}/t/o/{token}.gif" width="1" height="1" alt="" />""";
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(options.Smtp.FromName, options.Smtp.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = Fill(step.Str("subject") ?? "", firstName, name, encode: false);
        message.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
        message.Headers.Add("X-Campaign-Recipient", token);
        var body = new BodyBuilder { HtmlBody = html };
        if (step.Str("text") is { } text)
        {
            body.TextBody = Fill(text, firstName, name, encode: false) + $"\n\nUnsubscribe: {unsubscribe}\n";
        }
        message.Body = body.ToMessageBody();
        return message;
    }

    private static string Fill(string template, string? firstName, string? name, bool encode)
    {
        string Value(string? v) => encode ? WebUtility.HtmlEncode(v ?? "") : v ?? "";
        return template.Replace("{{first_name}}", Value(firstName), StringComparison.Ordinal)
            .Replace("{{name}}", Value(name ?? firstName), StringComparison.Ordinal);
    }
}
