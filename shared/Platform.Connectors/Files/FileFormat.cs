using System.Globalization;
using System.Text;
using Platform.Contracts.Records;

namespace Platform.Connectors.Files;

/// <summary>
/// One kind of file the connector accepts (<c>manychat</c>, <c>hotmart</c>, <c>generic</c>…): it binds to a file's
/// header and then maps each row to a canonical record or rejects it with a column and a reason.
/// Register implementations with <c>ConnectorBuilder.AddFileImports(…)</c>.
/// </summary>
public interface IFileFormat
{
    /// <summary>The <c>format</c> query value (lower case).</summary>
    string Name { get; }

    /// <summary>
    /// Whether an import with no mapping given must wait for the operator to confirm the guessed mapping before
    /// staging (the generic format does; a vendor export has a known layout).
    /// </summary>
    bool ConfirmGuessedMapping { get; }

    /// <summary>
    /// Binds to the header. <paramref name="mapping"/> is the operator's canonical field → column mapping, or null
    /// to guess. Throws <see cref="FileFormatException"/> when required columns are missing.
    /// </summary>
    IFileRowMapper Bind(FileHeader header, IReadOnlyDictionary<string, string>? mapping, FileReadSettings settings);
}

/// <summary>Maps the rows of one file.</summary>
public interface IFileRowMapper
{
    /// <summary>Canonical field → column name, as used (shown back to the operator).</summary>
    IReadOnlyDictionary<string, string> Mapping { get; }

    /// <summary>Maps a row whose field count matches the header.</summary>
    FileRowResult Map(FileRow row);
}

/// <summary>A file's header line and how the file is written.</summary>
/// <param name="Columns">Column names, trimmed.</param>
/// <param name="Separator">The separator.</param>
/// <param name="DecimalComma">Numbers use <c>,</c> as the decimal mark (files separated by <c>;</c>).</param>
public sealed record FileHeader(IReadOnlyList<string> Columns, char Separator, bool DecimalComma)
{
    /// <summary>Index of a column by name (case, accents, spaces and punctuation ignored); -1 when absent.</summary>
    public int IndexOf(string name)
    {
        var key = ColumnKey(name);
        for (var i = 0; i < Columns.Count; i++)
        {
            if (ColumnKey(Columns[i]) == key)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The first column present among <paramref name="aliases"/>; -1 when none is.</summary>
    public int IndexOfAny(IEnumerable<string> aliases)
    {
        ArgumentNullException.ThrowIfNull(aliases);
        foreach (var alias in aliases)
        {
            var index = IndexOf(alias);
            if (index >= 0)
            {
                return index;
            }
        }
        return -1;
    }

    /// <summary><c>Data de Inscrição</c> → <c>datadeinscricao</c>.</summary>
    public static string ColumnKey(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var decomposed = name.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (char.IsLetterOrDigit(c) && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }
        return builder.ToString();
    }
}

/// <summary>Per-import reading settings.</summary>
/// <param name="Zone">Local times (no offset written) are in this zone.</param>
/// <param name="ReceivedAt">When the upload arrived (a row with no date of its own is as of then).</param>
public sealed record FileReadSettings(TimeZoneInfo Zone, DateTimeOffset ReceivedAt);

/// <summary>A data row with the header it belongs to.</summary>
public sealed class FileRow(FileHeader header, CsvRecord record, FileReadSettings settings)
{
    public FileHeader Header { get; } = header;
    public CsvRecord Record { get; } = record;
    public FileReadSettings Settings { get; } = settings;

    /// <summary>The trimmed value at <paramref name="index"/>; null when the column is absent or blank.</summary>
    public string? Value(int index)
    {
        if (index < 0 || index >= Record.Fields.Length)
        {
            return null;
        }
        var value = Record.Fields[index].Trim();
        return value.Length == 0 ? null : value;
    }

    /// <summary>An amount; a non-blank value that is not a number rejects the row.</summary>
    public bool TryDecimal(int index, out decimal? value, out FileRowResult rejection)
    {
        value = null;
        rejection = default;
        var text = Value(index);
        if (text is null)
        {
            return true;
        }
        if (CsvValues.TryParseDecimal(text, Header.DecimalComma, out var parsed))
        {
            value = parsed;
            return true;
        }
        rejection = FileRowResult.Reject(Header.Columns[index], $"'{Truncate(text)}' is not an amount");
        return false;
    }

    /// <summary>A date or datetime; a non-blank value that is not one rejects the row.</summary>
    public bool TryDate(int index, out DateTimeOffset? value, out FileRowResult rejection)
    {
        value = null;
        rejection = default;
        var text = Value(index);
        if (text is null)
        {
            return true;
        }
        if (CsvValues.TryParseDateTime(text, Settings.Zone, out var parsed))
        {
            value = parsed;
            return true;
        }
        rejection = FileRowResult.Reject(Header.Columns[index], $"'{Truncate(text)}' is not a date (expected dd/mm/yyyy, yyyy-mm-dd or an Excel serial date)");
        return false;
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

/// <summary>A row mapped, or rejected with the column at fault and a reason.</summary>
public readonly record struct FileRowResult(CanonicalRecord? Record, string? Column, string? Reason)
{
    public static FileRowResult Mapped(CanonicalRecord record) => new(record, null, null);
    public static FileRowResult Reject(string? column, string reason) => new(null, column, reason);
}

/// <summary>The file cannot be imported in this format (a required column is missing, a mapping names no column).</summary>
public sealed class FileFormatException : Exception
{
    public FileFormatException() { }
    public FileFormatException(string message) : base(message) { }
    public FileFormatException(string message, Exception inner) : base(message, inner) { }
}
