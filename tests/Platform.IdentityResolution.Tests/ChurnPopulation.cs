using Platform.Contracts.Connectors;
using Platform.Contracts.Records;

namespace Platform.IdentityResolution.Tests;

/// <summary>
/// <see cref="Population"/> plus the records whose outcome depends on the canonical order of versions and on the
/// settings: an over-shared email (blocked under any threshold), a phone shared by 9 people (blocked only once the
/// threshold drops below 9), a phone over-shared only in records' older versions (blocked while they are stored, free
/// again once every newer version is), and records seen in three versions that each name another person. Versions
/// are staged out of order: the newest often has the smallest raw record id, and some share their update time (the
/// higher raw record id wins the tie).
/// </summary>
internal sealed class ChurnPopulation(int seed, int people)
{
    /// <summary>The settings the workspace ends with: they change the limits and bring the threshold under 9.</summary>
    public static readonly object FinalSettings = new { blockThreshold = 7, limits = new { phone = 3 } };

    public const string OverSharedEmail = "revenda@loja.com.br";
    public const string BorderlinePhone = "+5548980000000";
    public const string FadingPhone = "+5548970000000";

    private static readonly DateTimeOffset Epoch = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly Population _base = new(seed, people);

    /// <summary>Every staged message for a workspace, the extra records interleaved with the population's.</summary>
    public List<RawRecordStaged> Messages(string workspaceId)
    {
        var messages = _base.Messages(workspaceId);
        var extra = Extra(workspaceId);
        var random = new Random(seed);
        foreach (var message in extra)
        {
            messages.Insert(random.Next(messages.Count + 1), message);
        }
        return messages;
    }

    private static List<RawRecordStaged> Extra(string workspaceId)
    {
        var messages = new List<RawRecordStaged>();
        RawRecordStaged Staged(string source, EntityType type, string externalId, long raw, DateTimeOffset updatedAt, params string[] identifiers) =>
            new()
            {
                WorkspaceId = workspaceId,
                CorrelationId = Guid.NewGuid(),
                Source = source,
                RawRecordId = raw,
                StagedAt = updatedAt,
                Record = new CanonicalRecord
                {
                    Source = source,
                    EntityType = type,
                    ExternalId = externalId,
                    SourceUpdatedAt = updatedAt,
                    Identifiers = identifiers.Select(i => new Identifier(i[..i.IndexOf(':', StringComparison.Ordinal)], i[(i.IndexOf(':', StringComparison.Ordinal) + 1)..])).ToList(),
                    Person = new PersonFields { FullName = $"Extra {externalId}" },
                },
            };

        for (var i = 0; i < 12; i++)
        {
            // A reseller's email on twelve buyers with their own phones.
            messages.Add(Staged("hotmart", EntityType.Purchase, $"HOT{i}", 500_000 + i, Epoch.AddHours(i),
                $"email:{(i % 2 == 0 ? OverSharedEmail : " Revenda@Loja.com.br")}", $"phone:(51) 98{i:D3}-{i * 37 % 10_000:D4}"));
        }
        for (var i = 0; i < 9; i++)
        {
            // A shop's phone on nine people's forms: over-shared only under a threshold below 9.
            messages.Add(Staged("csv", EntityType.Contact, $"BRD{i}", 510_000 + i, Epoch.AddHours(i),
                $"email:borda{i}@example.com", i % 2 == 0 ? "phone:(48) 98000-0000" : "phone:+55 48 980000000"));
        }
        for (var i = 0; i < 12; i++)
        {
            // Twelve records once carried one phone; the newest versions of eight of them dropped it. The newest
            // version has the smaller raw record id (it was staged first), or the same update time and a larger one.
            var old = Epoch.AddDays(1).AddHours(i);
            var drops = i < 8;
            var tie = i % 3 == 0;
            var (oldRaw, newRaw) = tie ? (520_100 + i, 520_200 + i) : (520_200 + i, 520_100 + i);
            messages.Add(Staged("ploomes", EntityType.Contact, $"FAD{i}", oldRaw, old,
                $"email:fade{i}@example.com", "phone:(48) 97000-0000", $"ploomes_contact_id:FAD{i}"));
            messages.Add(Staged("ploomes", EntityType.Contact, $"FAD{i}", newRaw, tie ? old : old.AddHours(3),
                [$"email:fade{i}@example.com", .. drops ? Array.Empty<string>() : ["phone:(48) 97000-0000"], $"ploomes_contact_id:FAD{i}"]));
        }
        for (var k = 0; k < 10; k++)
        {
            // A contact re-assigned twice: each version names another person of the population; the last one counts.
            var at = Epoch.AddDays(2).AddHours(k);
            for (var v = 0; v < 3; v++)
            {
                messages.Add(Staged("ploomes", EntityType.Contact, $"MOV{k}", 530_000 + k * 10 + (2 - v), at.AddMinutes(v * 30),
                    $"email:pessoa{k * 3 + v}@example.com", $"ploomes_contact_id:MOV{k}"));
            }
        }
        return messages;
    }
}
