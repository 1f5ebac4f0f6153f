using System.Text;

namespace Platform.Connectors.Files;

/// <summary>One record of a CSV file: where it starts, its fields, and its text exactly as in the file.</summary>
/// <param name="Line">1-based physical line the record starts on (the header is line 1 when it is the first line).</param>
/// <param name="Fields">Fields, unquoted.</param>
/// <param name="Raw">The record's text as it was in the file, without the line break that ends it.</param>
public sealed record CsvRecord(long Line, string[] Fields, string Raw);

/// <summary>
/// Reads CSV files as users export them: UTF-8 with or without BOM or Windows-1252 (detected from the first
/// megabyte), <c>,</c> <c>;</c> or tab separators (detected from the header), quoted fields with separators,
/// doubled quotes and line breaks, CRLF or LF, blank lines skipped. It streams: memory holds one record and a
/// read buffer, whatever the file's size.
/// </summary>
public sealed class CsvFileReader : IDisposable
{
    private const int SampleBytes = 1 << 20;

    /// <summary>A record longer than this is a quote left open, not data: reading stops with a clear error.</summary>
    public const int MaxRecordChars = 1 << 20;
    private readonly TextReader _reader;
    private readonly char[] _buffer = new char[1 << 16];
    private int _position;
    private int _length;
    private long _line = 1;
    private readonly StringBuilder _field = new();
    private readonly StringBuilder _raw = new();
    private readonly List<string> _fields = [];

    static CsvFileReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private CsvFileReader(TextReader reader, Encoding encoding, char separator)
    {
        _reader = reader;
        Encoding = encoding;
        Separator = separator;
    }

    /// <summary>The detected encoding.</summary>
    public Encoding Encoding { get; }

    /// <summary>The detected separator.</summary>
    public char Separator { get; }

    /// <summary>
    /// Opens a seekable stream (a spooled upload): detects the encoding and separator from its start, then reads
    /// from the beginning. The stream is left open.
    /// </summary>
    public static CsvFileReader Open(Stream stream, char? separator = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            throw new ArgumentException("CsvFileReader.Open needs a seekable stream (spool the upload first).", nameof(stream));
        }
        var start = stream.Position;
        var sample = new byte[SampleBytes];
        var read = 0;
        int n;
        while (read < sample.Length && (n = stream.Read(sample, read, sample.Length - read)) > 0)
        {
            read += n;
        }
        stream.Position = start;
        var span = sample.AsSpan(0, read);
        var encoding = DetectEncoding(span, complete: read < sample.Length);
        var text = encoding.GetString(span[..Math.Min(span.Length, 64 * 1024)]);
        var reader = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16, leaveOpen: true);
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            reader.Read(); // the BOM
        }
        return new CsvFileReader(reader, encoding, separator ?? DetectSeparator(text));
    }

    /// <summary>
    /// UTF-8 when the bytes start with its BOM or decode as valid UTF-8; otherwise Windows-1252 (what Excel on
    /// Windows writes for "CSV" in Brazil). A multi-byte sequence cut by the end of an incomplete sample is fine.
    /// </summary>
    public static Encoding DetectEncoding(ReadOnlySpan<byte> sample, bool complete)
    {
        if (sample.StartsWith("\xEF\xBB\xBF"u8))
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        }
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        var end = sample.Length;
        if (!complete)
        {
            // Back off a partial trailing sequence: at most 3 continuation bytes and its lead byte.
            var back = 0;
            while (back < 4 && end - back - 1 >= 0 && (sample[end - back - 1] & 0xC0) == 0x80)
            {
                back++;
            }
            if (end - back - 1 >= 0 && sample[end - back - 1] >= 0xC0)
            {
                end = end - back - 1;
            }
        }
        try
        {
            strict.GetCharCount(sample[..end]);
            return new UTF8Encoding(false);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding(1252);
        }
    }

    /// <summary>The separator the first line uses most outside quotes: <c>;</c>, <c>,</c> or tab (comma on a tie).</summary>
    public static char DetectSeparator(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int semicolons = 0, commas = 0, tabs = 0;
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c is '\n' or '\r')
            {
                if (semicolons + commas + tabs > 0)
                {
                    break;
                }
            }
            else if (!quoted)
            {
                switch (c)
                {
                    case ';': semicolons++; break;
                    case ',': commas++; break;
                    case '\t': tabs++; break;
                }
            }
        }
        if (tabs > semicolons && tabs > commas)
        {
            return '\t';
        }
        return semicolons > commas ? ';' : ',';
    }

    /// <summary>Reads the next record, skipping blank lines; false at the end of the file.</summary>
    /// <exception cref="CsvFormatException">A quoted field is never closed.</exception>
    public bool TryRead(out CsvRecord record)
    {
        while (true)
        {
            if (!Peek(out _))
            {
                record = null!;
                return false;
            }
            var startLine = _line;
            if (ReadRecord())
            {
                record = new CsvRecord(startLine, [.. _fields], _raw.ToString());
                return true;
            }
        }
    }

    /// <summary>Reads one record into _fields/_raw; false when it was a blank line.</summary>
    private bool ReadRecord()
    {
        _fields.Clear();
        _raw.Clear();
        _field.Clear();
        var startLine = _line;
        var quoted = false;
        var fieldStarted = false; // the field began with a quote
        var any = false;
        while (Peek(out var c))
        {
            if (quoted)
            {
                Advance();
                if (c == '"')
                {
                    if (Peek(out var next) && next == '"')
                    {
                        Advance();
                        _raw.Append('"').Append('"');
                        _field.Append('"');
                        continue;
                    }
                    quoted = false;
                    _raw.Append('"');
                    continue;
                }
                if (c == '\n')
                {
                    _line++;
                }
                _raw.Append(c);
                _field.Append(c);
                if (_raw.Length > MaxRecordChars)
                {
                    throw new CsvFormatException(startLine,
                        $"the quoted field that starts on line {startLine} runs past {MaxRecordChars} characters: a closing quote is missing");
                }
                continue;
            }
            if (c == '\r' || c == '\n')
            {
                Advance();
                if (c == '\r' && Peek(out var lf) && lf == '\n')
                {
                    Advance();
                }
                _line++;
                break;
            }
            Advance();
            _raw.Append(c);
            if (c == Separator)
            {
                _fields.Add(_field.ToString());
                _field.Clear();
                fieldStarted = false;
                continue;
            }
            if (c == '"' && !fieldStarted && _field.Length == 0)
            {
                quoted = true;
                fieldStarted = true;
                any = true;
                continue;
            }
            if (!char.IsWhiteSpace(c))
            {
                any = true;
            }
            _field.Append(c);
        }
        if (quoted)
        {
            throw new CsvFormatException(startLine, $"a quoted field that starts on line {startLine} is never closed");
        }
        if (!any)
        {
            return false;
        }
        _fields.Add(_field.ToString());
        return true;
    }

    private bool Peek(out char c)
    {
        if (_position >= _length)
        {
            _length = _reader.Read(_buffer, 0, _buffer.Length);
            _position = 0;
            if (_length <= 0)
            {
                _length = 0;
                c = default;
                return false;
            }
        }
        c = _buffer[_position];
        return true;
    }

    private void Advance() => _position++;

    public void Dispose() => _reader.Dispose();
}

/// <summary>The file cannot be read as CSV past a point (an unclosed quote).</summary>
public sealed class CsvFormatException : Exception
{
    public CsvFormatException(long line, string message) : base(message) => Line = line;
    public CsvFormatException() { }
    public CsvFormatException(string message) : base(message) { }
    public CsvFormatException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Where the problem starts.</summary>
    public long Line { get; }
}
