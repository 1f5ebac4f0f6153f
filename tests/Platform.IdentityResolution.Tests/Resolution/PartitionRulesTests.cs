using Platform.IdentityResolution.Domain.Resolution;
using static Platform.IdentityResolution.Tests.Resolution.Records;

namespace Platform.IdentityResolution.Tests.Resolution;

public sealed class PartitionRulesTests
{
    private static PartitionResult Partition(IReadOnlyList<PartitionRecord> records, params PartitionDecision[] decisions) =>
        ComponentPartitioner.Partition(records, decisions, Rules);

    [Fact]
    public void The_same_phone_with_different_emails_is_two_clients_and_a_conflict_on_the_email_limit()
    {
        var result = Partition(
        [
            R(1, "hotmart", "purchase", "email:ana@x.com", "phone:+5511987654321"),
            R(2, "hotmart", "purchase", "email:bia@x.com", "phone:+5511987654321"),
        ]);

        Assert.Equal("1 | 2", Clients(result));
        var refusal = Assert.Single(result.Refusals);
        Assert.Equal(("phone", "+5511987654321", false), (refusal.Kind, refusal.Value, refusal.ByDecision));
        Assert.StartsWith("email limit 1", refusal.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Stripe_customer_with_two_emails_is_one_client_and_records_with_either_email_join_it()
    {
        var result = Partition(
        [
            R(1, "stripe", "contact", "stripe_customer_id:cus_1", "email:ana@x.com"),
            R(2, "stripe", "charge", "stripe_customer_id:cus_1", "email:ana.souza@work.com"),
            R(3, "hotmart", "purchase", "email:ana@x.com"),
            R(4, "ploomes", "contact", "email:ana.souza@work.com", "phone:+5511987654321"),
        ]);

        Assert.Equal("1,2,3,4", Clients(result));
        Assert.Empty(result.Refusals);
    }

    [Fact]
    public void A_third_email_through_a_shared_phone_is_still_refused_when_two_came_with_the_Stripe_customer()
    {
        var result = Partition(
        [
            R(1, "stripe", "contact", "stripe_customer_id:cus_1", "email:ana@x.com", "phone:+5511987654321"),
            R(2, "stripe", "charge", "stripe_customer_id:cus_1", "email:ana.souza@work.com"),
            R(3, "hotmart", "purchase", "email:carla@y.com", "phone:+5511987654321"),
        ]);

        Assert.Equal("1,2 | 3", Clients(result));
        Assert.Contains("email limit 1", Assert.Single(result.Refusals).Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Kinds_below_the_linking_kind_may_exceed_their_limit()
    {
        // Three phones (limit 2) joined through one email: phone is below email, so the link stands.
        var result = Partition(
        [
            R(1, "hotmart", "purchase", "email:ana@x.com", "phone:+5511911111111"),
            R(2, "hotmart", "purchase", "email:ana@x.com", "phone:+5511922222222"),
            R(3, "hotmart", "purchase", "email:ana@x.com", "phone:+5511933333333"),
        ]);

        Assert.Equal("1,2,3", Clients(result));
    }

    [Fact]
    public void A_CNPJ_never_merges_people()
    {
        var result = Partition(
        [
            R(1, "ploomes", "contact", "cpf:52998224725", "cnpj:11222333000181"),
            R(2, "ploomes", "contact", "cpf:12345678909", "cnpj:11222333000181"),
        ]);

        Assert.Equal("1 | 2", Clients(result));
        Assert.Empty(result.Refusals);
    }

    [Fact]
    public void Company_records_link_through_their_CNPJ_and_make_a_company()
    {
        var result = Partition(
        [
            R(1, "ploomes", "company", "cnpj:11222333000181", "ploomes_contact_id:10"),
            R(2, "hotmart", "purchase", "cnpj:11222333000181", "email:compras@acme.com"),
        ]);

        var client = Assert.Single(result.Groups);
        Assert.Equal(("company", true), (client.ClientKind, client.IsClient));
    }

    [Fact]
    public void A_person_and_a_company_sharing_an_email_are_not_merged_but_recorded_as_a_conflict()
    {
        var result = Partition(
        [
            R(1, "hotmart", "purchase", "cnpj:11222333000181", "email:joao@acme.com"),
            R(2, "stripe", "contact", "stripe_customer_id:cus_9", "email:joao@acme.com"),
        ]);

        Assert.Equal("1 | 2", Clients(result));
        Assert.Equal("a person and a company are never merged", Assert.Single(result.Refusals).Rule);
    }

    [Fact]
    public void Blocked_values_never_link_and_a_record_with_only_blocked_identifiers_is_skipped()
    {
        var result = Partition(
        [
            R(1, "hotmart", "purchase", "!email:teste@teste.com", "phone:+5511911111111"),
            R(2, "hotmart", "purchase", "!email:teste@teste.com", "phone:+5511922222222"),
            R(3, "csv", "contact", "!email:teste@teste.com"),
        ]);

        Assert.Equal("1 | 2", Clients(result));
        Assert.Equal((RecordStatuses.Skipped, UnlinkedReasons.OnlyBlockedIdentifiers), (result.Placements[3].Status, result.Placements[3].Reason));
    }

    [Fact]
    public void An_enrichment_never_makes_a_client_alone_and_attaches_to_a_client_with_its_identifier()
    {
        var alone = Partition([R(1, "sgt", "enrichment", "email:ana@x.com", "sgt_lead_id:7")]);
        Assert.Equal("", Clients(alone));
        Assert.Equal(RecordStatuses.Waiting, alone.Placements[1].Status);

        var attached = Partition(
        [
            R(1, "sgt", "enrichment", "email:ana@x.com", "sgt_lead_id:7"),
            R(2, "hotmart", "purchase", "email:ana@x.com"),
        ]);
        Assert.Equal("1,2", Clients(attached));
    }

    [Fact]
    public void A_record_with_only_a_source_id_joins_the_client_holding_it_but_never_makes_one_unless_its_source_is_allowed()
    {
        var deal = R(1, "ploomes", "deal", "ploomes_contact_id:42");
        Assert.Equal(UnlinkedReasons.SourceIdOnly, Partition([deal]).Placements[1].Reason);
        Assert.Equal("1,2", Clients(Partition([deal, R(2, "ploomes", "contact", "ploomes_contact_id:42", "email:ana@x.com")])));

        var allowed = Rules with { SourceIdOnlySources = new HashSet<string> { "manychat" } };
        Assert.Equal("1", Clients(ComponentPartitioner.Partition([R(1, "manychat", "contact", "manychat_subscriber_id:99")], [], allowed)));
    }

    [Fact]
    public void Operator_decisions_keep_apart_merge_and_split_whatever_the_identifiers_say()
    {
        PartitionRecord[] records =
        [
            R(1, "hotmart", "purchase", "email:ana@x.com", "phone:+5511987654321"),
            R(2, "hotmart", "purchase", "email:bia@x.com", "phone:+5511987654321"),
            R(3, "hotmart", "purchase", "email:ana@x.com"),
        ];

        Assert.Equal("1,2,3", Clients(Partition(records, new PartitionDecision(1, DecisionKind.Merge, [1], [2]))));
        var apart = Partition(records, new PartitionDecision(1, DecisionKind.KeepApart, [1], [3]));
        Assert.Equal("1 | 2 | 3", Clients(apart));
        Assert.Contains(apart.Refusals, r => r.ByDecision && r.Kind == "email");
        Assert.Equal("1,2 | 3", Clients(Partition(records, new PartitionDecision(1, DecisionKind.Split, [1, 2], [3]))));
    }

    [Fact]
    public void The_partition_does_not_depend_on_the_order_records_are_given_in()
    {
        var random = new Random(7);
        var records = Enumerable.Range(1, 120).Select(i => R(i, i % 3 == 0 ? "hotmart" : "stripe", "contact",
            $"email:p{random.Next(40)}@x.com", $"phone:+55119{random.Next(30):D8}", $"stripe_customer_id:cus_{random.Next(60)}")).ToList();
        var expected = Clients(Partition(records));

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(expected, Clients(Partition(records.OrderBy(_ => random.Next()).ToList())));
        }
    }
}
