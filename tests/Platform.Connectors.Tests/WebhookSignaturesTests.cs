using System.Security.Cryptography;
using System.Text;
using Platform.Connectors.Webhooks;

namespace Platform.Connectors.Tests;

public class WebhookSignaturesTests
{
    private static readonly RSA Key = RSA.Create(2048);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"ContactCreate","locationId":"loc-1","id":"c-1"}""");

    private static string Sign(byte[] body) => Convert.ToBase64String(Key.SignData(body, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    [Fact]
    public void An_RSA_SHA256_signature_over_the_raw_body_verifies_with_the_PEM_public_key()
    {
        Assert.True(WebhookSignatures.VerifyRsaSha256(Key.ExportSubjectPublicKeyInfoPem(), Body, Sign(Body)));
    }

    [Fact]
    public void The_public_key_may_be_bare_base64_as_vendors_publish_it_or_a_PEM_with_escaped_newlines()
    {
        var bare = Convert.ToBase64String(Key.ExportSubjectPublicKeyInfo());
        var escaped = Key.ExportSubjectPublicKeyInfoPem().Replace("\n", "\\n", StringComparison.Ordinal);
        Assert.True(WebhookSignatures.VerifyRsaSha256(bare, Body, Sign(Body)));
        Assert.True(WebhookSignatures.VerifyRsaSha256(escaped, Body, Sign(Body)));
        Assert.True(WebhookSignatures.VerifyRsaSha256(Key.ExportRSAPublicKeyPem(), Body, Sign(Body)));
    }

    [Fact]
    public void A_changed_body_a_foreign_key_or_a_garbled_signature_does_not_verify()
    {
        var tampered = Encoding.UTF8.GetBytes("""{"type":"ContactCreate","locationId":"loc-2","id":"c-1"}""");
        using var other = RSA.Create(2048);
        Assert.False(WebhookSignatures.VerifyRsaSha256(Key.ExportSubjectPublicKeyInfoPem(), tampered, Sign(Body)));
        Assert.False(WebhookSignatures.VerifyRsaSha256(other.ExportSubjectPublicKeyInfoPem(), Body, Sign(Body)));
        Assert.False(WebhookSignatures.VerifyRsaSha256(Key.ExportSubjectPublicKeyInfoPem(), Body, "not base64 !"));
        Assert.False(WebhookSignatures.VerifyRsaSha256(Key.ExportSubjectPublicKeyInfoPem(), Body, null));
    }

    [Fact]
    public void A_key_that_cannot_be_read_is_a_configuration_error_naming_the_problem()
    {
        var error = Assert.Throws<ArgumentException>(() => WebhookSignatures.VerifyRsaSha256("not a key", Body, Sign(Body)));
        Assert.Contains("public key", error.Message, StringComparison.Ordinal);
    }
}
