using System.Text;
using Platform.Connectors.Webhooks;

namespace Platform.Connectors.Tests;

public class WebhookBodiesTests
{
    private static string Redact(string body, params string[] fields) =>
        Encoding.UTF8.GetString(WebhookBodies.Redact(Encoding.UTF8.GetBytes(body), fields).Span);

    [Fact]
    public void Secret_members_are_replaced_whatever_their_case_and_the_rest_is_kept_in_order()
    {
        Assert.Equal("""{"ResourceId":7,"ValidationKey":"[redacted]","UserId":1}""",
            Redact("""{"ResourceId":7,"ValidationKey":"vk-secret","UserId":1}""", "validationkey"));
    }

    [Fact]
    public void A_body_without_the_secret_or_that_is_not_an_object_is_returned_untouched()
    {
        const string formatted = "{ \"id\": 1 }";
        Assert.Equal(formatted, Redact(formatted, "hottok"));
        Assert.Equal("[1,2]", Redact("[1,2]", "hottok"));
        Assert.Equal("hottok=abc", Redact("hottok=abc", "hottok"));
    }
}
