using Platform.IdentityResolution.Domain;
using Platform.IdentityResolution.Domain.Resolution;

namespace Platform.IdentityResolution.Tests.Resolution;

public sealed class GoldenRecordTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static GoldenSource Source(long id, string source, DateTimeOffset updated, string? name, string? city = null, params PartitionIdentifier[] identifiers) =>
        new(id, source, "contact", $"{source}-{id}", updated, new RecordFields { Name = name, City = city }, identifiers);

    [Fact]
    public void Each_field_comes_from_its_preferred_source_and_remembers_the_record()
    {
        var golden = GoldenRecordBuilder.Build(
        [
            Source(1, "stripe", Day.AddDays(5), "ANA S", "Campinas", new PartitionIdentifier("email", "ana@stripe.com", false)),
            Source(2, "ploomes", Day, "Ana Souza", null, new PartitionIdentifier("email", "ana@ploomes.com", false)),
            Source(3, "hotmart", Day.AddDays(1), "Ana Souza Lima", "São Paulo"),
        ], ClientKinds.Person, Records.Rules);

        Assert.Equal(("Ana Souza", 2L), (golden[GoldenFields.Name].Value, golden[GoldenFields.Name].RecordId));
        Assert.Equal(("São Paulo", 3L), (golden[GoldenFields.City].Value, golden[GoldenFields.City].RecordId));
        Assert.Equal(("ana@stripe.com", "stripe"), (golden[GoldenFields.Email].Value, golden[GoldenFields.Email].Source));
    }

    [Fact]
    public void Between_records_of_the_same_source_the_most_recent_update_wins()
    {
        var golden = GoldenRecordBuilder.Build(
            [Source(1, "hotmart", Day, "Ana"), Source(2, "hotmart", Day.AddDays(3), "Ana Souza"), Source(3, "hotmart", Day.AddDays(1), "A. Souza")],
            ClientKinds.Person, Records.Rules);

        Assert.Equal(("Ana Souza", 2L), (golden[GoldenFields.Name].Value, golden[GoldenFields.Name].RecordId));
    }

    [Fact]
    public void A_workspace_can_prefer_another_source_for_a_field()
    {
        var rules = Records.Rules.With(new WorkspaceRuleOverrides { FieldSources = new() { [GoldenFields.Name] = ["stripe"] } });

        var golden = GoldenRecordBuilder.Build([Source(1, "stripe", Day, "ANA S"), Source(2, "ploomes", Day, "Ana Souza")], ClientKinds.Person, rules);

        Assert.Equal("ANA S", golden[GoldenFields.Name].Value);
    }
}
