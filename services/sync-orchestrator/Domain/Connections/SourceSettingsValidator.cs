using System.Text.Json;
using Platform.Contracts.Sources;

namespace Platform.SyncOrchestrator.Domain.Connections;

/// <summary>A source's settings split as stored: plain fields and secrets, both by the spec's field names.</summary>
internal sealed record SourceSettings(IReadOnlyDictionary<string, string> Plain, IReadOnlyDictionary<string, string> Secrets);

/// <summary>
/// Checks a <c>PUT …/sources/{source}</c> body against the source's spec. The body replaces the plain fields; a secret
/// it leaves out keeps its stored value (GETs never return secrets, so a client changing a base address cannot
/// resend them), and a secret sent as null or "" is removed.
/// </summary>
internal static class SourceSettingsValidator
{
    public const int MaxValueLength = 8192;

    public static (SourceSettings? Settings, Dictionary<string, string[]> Errors) Validate(SourceSpec spec, JsonElement body,
        IReadOnlyDictionary<string, string> storedSecrets)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(storedSecrets);
        var errors = new Dictionary<string, string[]>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = [$"The body must be a JSON object of {spec.Title} settings: {Names(spec)}."];
            return (null, errors);
        }
        var plain = new Dictionary<string, string>(StringComparer.Ordinal);
        var secrets = new Dictionary<string, string>(storedSecrets.Where(s => spec.Field(s.Key)?.Secret == true), StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
        {
            var field = spec.Field(property.Name);
            if (field is null)
            {
                errors[property.Name] = [spec.Fields.Count == 0
                    ? $"{spec.Title} takes no settings."
                    : $"'{property.Name}' is not a {spec.Title} setting; the settings are {Names(spec)}."];
                continue;
            }
            var (value, problem) = Read(field, property.Value);
            if (problem is not null)
            {
                errors[field.Name] = [problem];
                continue;
            }
            var target = field.Secret ? secrets : plain;
            if (value is null)
            {
                target.Remove(field.Name);
            }
            else
            {
                target[field.Name] = value;
            }
        }
        foreach (var field in spec.Fields.Where(f => f.Required && !errors.ContainsKey(f.Name)))
        {
            if (!plain.ContainsKey(field.Name) && !secrets.ContainsKey(field.Name))
            {
                errors[field.Name] = [$"'{field.Name}' is required: {field.Description}"];
            }
        }
        foreach (var group in spec.OneOf)
        {
            var complete = group.Alternatives.Any(alternative => alternative.All(name => plain.ContainsKey(name) || secrets.ContainsKey(name)));
            if (!complete)
            {
                errors[group.Name] = [$"{spec.Title} needs one complete {group.Name}: " +
                    string.Join(", or ", group.Alternatives.Select(a => string.Join(" + ", a))) + "."];
            }
        }
        return errors.Count > 0 ? (null, errors) : (new SourceSettings(plain, secrets), errors);
    }

    /// <summary>The value to store (null: remove the field), or why it cannot be.</summary>
    private static (string? Value, string? Problem) Read(SourceField field, JsonElement element)
    {
        string? value;
        if (element.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }
        if (field.Kind == SourceFieldKind.List && element.ValueKind == JsonValueKind.Array)
        {
            var items = new List<string>();
            foreach (var item in element.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
                {
                    return (null, $"'{field.Name}' must be a list of non-empty strings.");
                }
                items.Add(item.GetString()!.Trim());
            }
            value = string.Join(',', items);
        }
        else if (element.ValueKind == JsonValueKind.String)
        {
            value = element.GetString()!.Trim();
        }
        else
        {
            return (null, $"'{field.Name}' must be a string{(field.Kind == SourceFieldKind.List ? " or a list of strings" : "")}, not {element.ValueKind.ToString().ToLowerInvariant()}.");
        }
        if (value.Length == 0)
        {
            return (null, null);
        }
        if (value.Length > MaxValueLength)
        {
            return (null, $"'{field.Name}' is longer than {MaxValueLength} characters.");
        }
        if (field.Kind == SourceFieldKind.Url
            && (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            return (null, $"'{field.Name}' must be an absolute http(s) address, e.g. https://api.example.com/.");
        }
        if (field.Kind == SourceFieldKind.List)
        {
            var items = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            value = string.Join(',', items);
        }
        if (field.Kind == SourceFieldKind.Pem && !value.Contains("-----BEGIN", StringComparison.Ordinal)
            && !IsBase64(value))
        {
            return (null, $"'{field.Name}' must be a PEM (-----BEGIN PUBLIC KEY-----…) or the key's base64.");
        }
        return (value, null);
    }

    private static bool IsBase64(string value)
    {
        var compact = string.Concat(value.Where(c => !char.IsWhiteSpace(c)));
        return Convert.TryFromBase64String(compact, new byte[compact.Length], out _);
    }

    private static string Names(SourceSpec spec) => spec.Fields.Count == 0 ? "(none)" : string.Join(", ", spec.Fields.Select(f => f.Name));
}
