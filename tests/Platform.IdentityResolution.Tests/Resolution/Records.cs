using Platform.IdentityResolution.Domain.Resolution;

namespace Platform.IdentityResolution.Tests.Resolution;

/// <summary>Compact partition inputs: identifiers written as <c>kind:value</c> (a leading ! marks a blocked value).</summary>
internal static class Records
{
    public static readonly ResolutionRules Rules = new ResolutionDefaults(new IdentityResolutionOptions()).Rules;

    public static PartitionRecord R(long id, string source, string entityType, params string[] identifiers) => new()
    {
        Id = id,
        Source = source,
        EntityType = entityType,
        ExternalId = $"{source}-{id}",
        Identifiers = identifiers.Select(i =>
        {
            var blocked = i.StartsWith('!');
            var text = blocked ? i[1..] : i;
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return new PartitionIdentifier(text[..colon], text[(colon + 1)..], blocked);
        }).ToList(),
    };

    /// <summary>The partition as sets of record ids, clients only, in a comparable form.</summary>
    public static string Clients(PartitionResult result) =>
        string.Join(" | ", result.Groups.Where(g => g.IsClient).Select(g => string.Join(",", g.RecordIds.Order())).Order(StringComparer.Ordinal));
}
