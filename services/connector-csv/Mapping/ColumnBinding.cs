using Platform.Connectors.Files;

namespace Platform.Connectors.Csv.Mapping;

/// <summary>A canonical field a format reads, and the header names it goes by (any language the users export in).</summary>
internal sealed record FieldSpec(string Name, params string[] Aliases);

/// <summary>
/// Canonical fields bound to a file's columns: from the operator's mapping when given (every name checked against
/// the header), otherwise by the fields' aliases, each column used at most once.
/// </summary>
internal sealed class ColumnBinding
{
    private readonly Dictionary<string, int> _indexes = new(StringComparer.OrdinalIgnoreCase);

    private ColumnBinding(FileHeader header) => Header = header;

    public FileHeader Header { get; }

    /// <summary>Field → column name, for the import's record.</summary>
    public Dictionary<string, string> Mapping { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Columns no field uses.</summary>
    public IEnumerable<int> Unused => Enumerable.Range(0, Header.Columns.Count).Where(i => !_indexes.ContainsValue(i));

    public int this[string field] => _indexes.TryGetValue(field, out var index) ? index : -1;

    public bool Has(string field) => _indexes.ContainsKey(field);

    public static ColumnBinding Bind(FileHeader header, IReadOnlyList<FieldSpec> fields, IReadOnlyDictionary<string, string>? mapping,
        string formatName)
    {
        var binding = new ColumnBinding(header);
        if (mapping is not null)
        {
            foreach (var (field, column) in mapping)
            {
                if (!fields.Any(f => string.Equals(f.Name, field, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new FileFormatException(
                        $"'{field}' is not a field of the {formatName} format; map columns to: {string.Join(", ", fields.Select(f => f.Name))}.");
                }
                if (string.IsNullOrWhiteSpace(column))
                {
                    continue;
                }
                var index = header.IndexOf(column);
                if (index < 0)
                {
                    throw new FileFormatException(
                        $"The mapping sends '{field}' to column '{column}', which the file does not have; its columns are: {string.Join(", ", header.Columns)}.");
                }
                binding.Set(field, index);
            }
            return binding;
        }
        foreach (var field in fields)
        {
            foreach (var alias in field.Aliases)
            {
                var index = header.IndexOf(alias);
                if (index >= 0 && !binding._indexes.ContainsValue(index))
                {
                    binding.Set(field.Name, index);
                    break;
                }
            }
        }
        return binding;
    }

    private void Set(string field, int index)
    {
        _indexes[field] = index;
        Mapping[field] = Header.Columns[index];
    }

    /// <summary>Fails the bind when a field the format cannot do without has no column.</summary>
    public void Require(string field, string hint)
    {
        if (!Has(field))
        {
            throw new FileFormatException($"No column for '{field}' ({hint}); the file's columns are: {string.Join(", ", Header.Columns)}.");
        }
    }
}
