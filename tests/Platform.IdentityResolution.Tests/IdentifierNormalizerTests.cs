using Platform.Contracts.Records;
using Platform.IdentityResolution.Domain;

namespace Platform.IdentityResolution.Tests;

public sealed class IdentifierNormalizerTests
{
    [Theory]
    [InlineData("  Ana@Example.COM ", "ana@example.com")]
    [InlineData("ana@example.com", "ana@example.com")]
    public void Emails_are_trimmed_and_lower_cased(string raw, string expected) =>
        Assert.Equal(new NormalizedIdentifier("email", expected), IdentifierNormalizer.Normalize(new Identifier("email", raw)));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not an address")]
    public void Blank_or_impossible_emails_are_not_identifiers(string raw) =>
        Assert.Null(IdentifierNormalizer.Normalize(new Identifier("email", raw)));

    [Fact]
    public void Stripe_customer_ids_are_kept_exactly_as_Stripe_wrote_them() =>
        Assert.Equal(new NormalizedIdentifier("stripe_customer_id", "cus_AbC123"),
            IdentifierNormalizer.Normalize(new Identifier("stripe_customer_id", "cus_AbC123")));

    [Fact]
    public void A_record_s_identifiers_come_out_distinct_in_priority_order_without_unsupported_kinds() =>
        Assert.Equal(
            [new NormalizedIdentifier("stripe_customer_id", "cus_1"), new NormalizedIdentifier("email", "a@b.com")],
            IdentifierNormalizer.Normalize(
            [
                new Identifier("email", "A@B.com"),
                new Identifier("phone", "+5511999990000"),
                new Identifier("email", " a@b.com"),
                new Identifier("stripe_customer_id", "cus_1"),
            ]));
}
