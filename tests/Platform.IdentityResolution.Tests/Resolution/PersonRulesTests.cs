using Platform.IdentityResolution.Domain.Resolution;
using static Platform.IdentityResolution.Tests.Resolution.Records;

namespace Platform.IdentityResolution.Tests.Resolution;

/// <summary>Rules about when two records are one person, beyond the per-kind limits.</summary>
public sealed class PersonRulesTests
{
    private static PartitionResult Partition(IReadOnlyList<PartitionRecord> records) =>
        ComponentPartitioner.Partition(records, [], Rules);

    [Fact]
    public void Two_different_valid_CPFs_are_two_people_even_when_they_share_a_phone()
    {
        var result = Partition(
        [
            R(1, "hotmart", "purchase", "cpf:52998224725", "phone:+5511987654321"),
            R(2, "ploomes", "contact", "cpf:12345678909", "phone:+5511987654321"),
        ]);

        Assert.Equal("1 | 2", Clients(result));
        var refusal = Assert.Single(result.Refusals);
        Assert.StartsWith("cpf limit 1", refusal.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_different_valid_CPFs_are_two_people_even_when_they_share_an_email_or_a_Stripe_customer()
    {
        Assert.Equal("1 | 2", Clients(Partition(
        [
            R(1, "hotmart", "purchase", "cpf:52998224725", "email:familia@x.com"),
            R(2, "hotmart", "purchase", "cpf:12345678909", "email:familia@x.com"),
        ])));
        Assert.Equal("1 | 2", Clients(Partition(
        [
            R(1, "stripe", "contact", "stripe_customer_id:cus_1", "cpf:52998224725"),
            R(2, "stripe", "charge", "stripe_customer_id:cus_1", "cpf:12345678909"),
        ])));
    }

    [Fact]
    public void A_record_without_a_CPF_still_joins_through_a_shared_phone()
    {
        Assert.Equal("1,2", Clients(Partition(
        [
            R(1, "hotmart", "purchase", "cpf:52998224725", "phone:+5511987654321"),
            R(2, "manychat", "contact", "phone:+5511987654321"),
        ])));
    }

    [Fact]
    public void Four_Stripe_Checkout_customers_with_one_email_and_one_name_are_one_client()
    {
        var result = Partition(
        [
            Named(R(1, "stripe", "contact", "stripe_customer_id:cus_1", "email:ana@x.com"), "Ana Souza"),
            Named(R(2, "stripe", "contact", "stripe_customer_id:cus_2", "email:ana@x.com"), "Ana Souza"),
            Named(R(3, "stripe", "contact", "stripe_customer_id:cus_3", "email:ana@x.com"), "ana  souza"),
            Named(R(4, "stripe", "contact", "stripe_customer_id:cus_4", "email:ANA@x.com".ToLowerInvariant()), "Ána Souza"),
            Named(R(5, "stripe", "charge", "stripe_customer_id:cus_4"), null),
        ]);

        Assert.Equal("1,2,3,4,5", Clients(result));
        Assert.Empty(result.Refusals);
    }

    [Fact]
    public void Four_Stripe_customers_under_one_email_with_different_names_keep_the_limit()
    {
        var result = Partition(
        [
            Named(R(1, "stripe", "contact", "stripe_customer_id:cus_1", "email:loja@x.com"), "Ana Souza"),
            Named(R(2, "stripe", "contact", "stripe_customer_id:cus_2", "email:loja@x.com"), "Ana Souza"),
            Named(R(3, "stripe", "contact", "stripe_customer_id:cus_3", "email:loja@x.com"), "Ana Souza"),
            Named(R(4, "stripe", "contact", "stripe_customer_id:cus_4", "email:loja@x.com"), "Bruno Lima"),
        ]);

        Assert.Equal("1,2,3 | 4", Clients(result));
        Assert.StartsWith("stripe_customer_id limit 3", Assert.Single(result.Refusals).Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Four_Stripe_customers_under_one_email_without_names_keep_the_limit()
    {
        Assert.Equal("1,2,3 | 4", Clients(Partition(
        [
            R(1, "stripe", "contact", "stripe_customer_id:cus_1", "email:ana@x.com"),
            R(2, "stripe", "contact", "stripe_customer_id:cus_2", "email:ana@x.com"),
            R(3, "stripe", "contact", "stripe_customer_id:cus_3", "email:ana@x.com"),
            R(4, "stripe", "contact", "stripe_customer_id:cus_4", "email:ana@x.com"),
        ])));
    }

    private static PartitionRecord Named(PartitionRecord record, string? name) => record with { Name = name };
}
