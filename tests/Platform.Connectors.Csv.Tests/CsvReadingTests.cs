using System.Text;
using Platform.Connectors.Files;

namespace Platform.Connectors.Csv.Tests;

public sealed class CsvReadingTests
{
    static CsvReadingTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static List<CsvRecord> ReadAll(byte[] bytes, out CsvFileReader reader)
    {
        var stream = new MemoryStream(bytes);
        reader = CsvFileReader.Open(stream);
        var records = new List<CsvRecord>();
        while (reader.TryRead(out var record))
        {
            records.Add(record);
        }
        return records;
    }

    [Fact]
    public void A_utf8_file_with_a_bom_loses_the_bom_and_keeps_accents()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("Nome;Cidade\r\nJoão;São Paulo\r\n")).ToArray();
        var records = ReadAll(bytes, out var reader);
        Assert.Equal(';', reader.Separator);
        Assert.Equal(["Nome", "Cidade"], records[0].Fields);
        Assert.Equal(["João", "São Paulo"], records[1].Fields);
    }

    [Fact]
    public void A_windows_1252_file_is_detected_and_decoded()
    {
        var bytes = Encoding.GetEncoding(1252).GetBytes("Nome,Última interação\nConceição,ação\n");
        var records = ReadAll(bytes, out var reader);
        Assert.Equal(1252, reader.Encoding.CodePage);
        Assert.Equal(',', reader.Separator);
        Assert.Equal(["Conceição", "ação"], records[1].Fields);
    }

    [Fact]
    public void Quoted_fields_keep_separators_doubled_quotes_and_line_breaks_and_lines_are_counted_across_them()
    {
        var text = "a;b;c\n1;\"x;y\";\"say \"\"hi\"\"\"\n\n2;\"line one\r\nline two\";z\n   \n3;;\n";
        var records = ReadAll(Encoding.UTF8.GetBytes(text), out _);
        Assert.Equal(4, records.Count);
        Assert.Equal(["1", "x;y", "say \"hi\""], records[1].Fields);
        Assert.Equal(2, records[1].Line);
        Assert.Equal(4, records[2].Line);
        Assert.Equal("line one\r\nline two", records[2].Fields[1]);
        Assert.Equal("2;\"line one\r\nline two\";z", records[2].Raw);
        Assert.Equal(7, records[3].Line);
        Assert.Equal(["3", "", ""], records[3].Fields);
    }

    [Fact]
    public void An_unclosed_quote_stops_with_the_line_it_starts_on()
    {
        var text = "a,b\n1,\"never closed\n" + new string('x', CsvFileReader.MaxRecordChars + 10);
        var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        using var reader = CsvFileReader.Open(stream);
        Assert.True(reader.TryRead(out _));
        var error = Assert.Throws<CsvFormatException>(() => reader.TryRead(out _));
        Assert.Equal(2, error.Line);
    }

    [Theory]
    [InlineData("1.234,56", true, "1234.56")]
    [InlineData("1234,56", true, "1234.56")]
    [InlineData("R$ 1.234,56", true, "1234.56")]
    [InlineData("1.234", true, "1234")]
    [InlineData("1234.56", true, "1234.56")]
    [InlineData("1,234.56", false, "1234.56")]
    [InlineData("-97,00", true, "-97.00")]
    [InlineData("(10,50)", true, "-10.50")]
    [InlineData("0,5", false, "0.5")]
    public void Amounts_are_read_as_brazilian_and_english_spreadsheets_write_them(string text, bool decimalComma, string expected)
    {
        Assert.True(CsvValues.TryParseDecimal(text, decimalComma, out var value));
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("12 reais")]
    [InlineData("abc")]
    [InlineData("1,2,3.4.5x")]
    public void Text_that_is_not_an_amount_is_refused(string text) =>
        Assert.False(CsvValues.TryParseDecimal(text, true, out _));

    [Theory]
    [InlineData("46057,56185", "2026-02-04T13:29:04-03:00")]
    [InlineData("46057.5", "2026-02-04T12:00:00-03:00")]
    [InlineData("46057", "2026-02-04T00:00:00-03:00")]
    [InlineData("05/02/2026", "2026-02-05T00:00:00-03:00")]
    [InlineData("5/2/2026 14:30", "2026-02-05T14:30:00-03:00")]
    [InlineData("2026-02-05", "2026-02-05T00:00:00-03:00")]
    [InlineData("2026-02-05T10:00:00Z", "2026-02-05T10:00:00+00:00")]
    public void Dates_are_read_from_excel_serials_day_first_and_iso(string text, string expected)
    {
        Assert.True(CsvValues.TryParseDateTime(text, CsvValues.Zone("America/Sao_Paulo"), out var value));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("31/02/2026")]
    [InlineData("ontem")]
    [InlineData("13/13/2026")]
    public void Text_that_is_not_a_date_is_refused(string text) =>
        Assert.False(CsvValues.TryParseDateTime(text, CsvValues.Zone("America/Sao_Paulo"), out _));
}
