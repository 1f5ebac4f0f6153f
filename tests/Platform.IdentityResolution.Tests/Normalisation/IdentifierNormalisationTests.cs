using Platform.Contracts.Records;
using Platform.IdentityResolution.Domain.Normalisation;

namespace Platform.IdentityResolution.Tests.Normalisation;

public sealed class IdentifierNormalisationTests
{
    [Fact]
    public void Stripe_customer_ids_are_kept_exactly_as_Stripe_wrote_them() =>
        Assert.Equal(new NormalisedIdentifier("stripe_customer_id", "cus_AbC123"),
            IdentifierNormaliser.Normalise(new Identifier("stripe_customer_id", " cus_AbC123 ")));

    [Fact]
    public void A_record_s_identifiers_come_out_distinct_in_priority_order_and_what_does_not_normalise_is_kept_apart()
    {
        var result = IdentifierNormaliser.Normalise(
        [
            new Identifier("email", "A@B.com"),
            new Identifier("phone", "(11) 98765-4321"),
            new Identifier("email", " a@b.com"),
            new Identifier("ploomes_contact_id", "42"),
            new Identifier("cpf", "529.982.247-25"),
            new Identifier("stripe_customer_id", "cus_1"),
            new Identifier("phone", "ramal 22"),
            new Identifier("cpf", "123.456.789-00"),
            new Identifier("fax", "1234"),
        ]);

        Assert.Equal(
            [
                new NormalisedIdentifier("stripe_customer_id", "cus_1"),
                new NormalisedIdentifier("email", "a@b.com"),
                new NormalisedIdentifier("phone", "+5511987654321"),
                new NormalisedIdentifier("cpf", "52998224725"),
                new NormalisedIdentifier("ploomes_contact_id", "42"),
            ],
            result.Usable);
        Assert.Equal(["phone:ramal 22", "cpf:123.456.789-00", "fax:1234"], result.Unusable.Select(u => $"{u.Kind}:{u.Value}"));
        Assert.All(result.Unusable, u => Assert.False(string.IsNullOrEmpty(u.Reason)));
    }
}
