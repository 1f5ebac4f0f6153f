using Platform.IdentityResolution.Domain.Resolution;
using static Platform.IdentityResolution.Tests.Resolution.Records;

namespace Platform.IdentityResolution.Tests.Resolution;

public sealed class ClientAssignmentTests
{
    private static readonly Guid Older = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Newer = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly DateTimeOffset Day = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void When_two_clients_merge_the_oldest_survives_and_the_other_is_merged_into_it()
    {
        var partition = ComponentPartitioner.Partition(
            [R(1, "csv", "contact", "email:a@x.com"), R(2, "csv", "contact", "email:a@x.com", "phone:+5511987654321"), R(3, "csv", "contact", "phone:+5511987654321")],
            [], Rules);

        var result = ClientAssignment.Assign(partition,
            new Dictionary<long, Guid?> { [1] = Newer, [2] = null, [3] = Older },
            [new ExistingClient(Newer, Day.AddDays(1)), new ExistingClient(Older, Day)], Guid.NewGuid);

        Assert.Equal([Older], result.GroupClients);
        Assert.Equal(Older, result.MergedInto[Newer]);
        Assert.Empty(result.SplitMoves);
        Assert.Equal([(1L, (Guid?)Newer, (Guid?)Older), (2L, null, Older)], result.Moves.Select(m => (m.RecordId, m.From, m.To)));
    }

    [Fact]
    public void A_split_keeps_the_client_for_the_preferred_part_and_gives_the_moved_records_a_new_client()
    {
        var partition = ComponentPartitioner.Partition(
            [R(1, "csv", "contact", "email:a@x.com"), R(2, "csv", "contact", "email:a@x.com"), R(3, "csv", "contact", "email:a@x.com")],
            [new PartitionDecision(9, DecisionKind.Split, [1, 2], [3])], Rules);
        var fresh = Guid.NewGuid();

        var result = ClientAssignment.Assign(partition,
            new Dictionary<long, Guid?> { [1] = Older, [2] = Older, [3] = Older },
            [new ExistingClient(Older, Day)], () => fresh, new Dictionary<Guid, long> { [Older] = 3 });

        Assert.Equal(Older, result.GroupClients[partition.Placements[3].Group]);
        Assert.Equal(fresh, result.GroupClients[partition.Placements[1].Group]);
        Assert.Equal([1L, 2L], result.SplitMoves[Older].Select(m => m.RecordId));
        Assert.Contains(fresh, result.NewClients);
    }
}
