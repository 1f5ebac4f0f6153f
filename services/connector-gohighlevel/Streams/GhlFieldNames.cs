using System.Collections.Concurrent;
using System.Text.Json;
using Platform.Connectors.GoHighLevel.Api;
using Platform.Connectors.GoHighLevel.Mapping;
using Platform.Connectors.Http;

namespace Platform.Connectors.GoHighLevel.Streams;

/// <summary>
/// The location's custom field definitions (id → fieldKey, e.g. <c>contact.cpf</c>), read once per workspace and kept
/// a few minutes, so contacts carry named attributes instead of ids.
/// </summary>
public sealed class GhlFieldNames(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, (IReadOnlyDictionary<string, string> Names, DateTimeOffset At)> _cache = new();

    public async Task<IReadOnlyDictionary<string, string>> GetAsync(IGoHighLevelApi api, string workspaceId, GhlAccount account,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(account);
        var key = workspaceId + "\n" + account.LocationId;
        if (_cache.TryGetValue(key, out var cached) && clock.GetUtcNow() - cached.At < Lifetime)
        {
            return cached.Names;
        }
        using var document = (await api.CustomFieldsAsync(workspaceId, account.LocationId, cancellationToken))
            .Content("GoHighLevel", workspaceId);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (document.RootElement.TryGetProperty("customFields", out var fields) && fields.ValueKind == JsonValueKind.Array)
        {
            foreach (var field in fields.EnumerateArray())
            {
                if (field.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                    && field.TryGetProperty("fieldKey", out var fieldKey) && fieldKey.ValueKind == JsonValueKind.String)
                {
                    names[id.GetString()!] = fieldKey.GetString()!;
                }
            }
        }
        _cache[key] = (names, clock.GetUtcNow());
        return names;
    }
}
