using System.Text.Json;
using Platform.Connectors.Json;

namespace Platform.Connectors.Hotmart.Tests;

/// <summary>The SDK's one money reader, and the Hotmart price that was staged as 1050.00 instead of 10.50.</summary>
public class MoneyReaderTests
{
    private static readonly DateTimeOffset ReadAt = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static JsonElement Sale(string priceJson) => JsonDocument.Parse("""
        {"product":{"id":1,"name":"Curso"},"buyer":{"name":"Ana","email":"ana@example.com"},
         "purchase":{"transaction":"HP9","status":"APPROVED","order_date":1704153600000,"price":{"value":
        """ + priceJson + ""","currency_code":"BRL"}}}""").RootElement;

    [Theory]
    [InlineData("\"10,50\"", "10.50")]
    [InlineData("\"10.50\"", "10.50")]
    [InlineData("\"1.234,56\"", "1234.56")]
    [InlineData("\"1,234.56\"", "1234.56")]
    [InlineData("\"97\"", "97")]
    [InlineData("97.5", "97.5")]
    public void A_hotmart_price_written_as_text_is_read_only_in_its_one_meaning(string price, string expected)
    {
        var record = Platform.Connectors.Hotmart.Mapping.HotmartMapping.MapSale(Sale(price), null, ReadAt)!;

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), record.Money!.Amount);
        Assert.False(record.Attributes.ContainsKey(MoneyReader.FlagAttribute));
    }

    [Theory]
    [InlineData("\"1,500\"")]
    [InlineData("\"R$ 10,50\"")]
    [InlineData("\"10,50,3\"")]
    [InlineData("\"abc\"")]
    [InlineData("true")]
    public void A_price_that_is_not_unambiguously_an_amount_flags_the_record_instead_of_guessing(string price)
    {
        var record = Platform.Connectors.Hotmart.Mapping.HotmartMapping.MapSale(Sale(price), null, ReadAt)!;

        Assert.Null(record.Money);
        Assert.Contains("purchase.price.value", record.Attributes[MoneyReader.FlagAttribute], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0,5", "0.5")]
    [InlineData("-3,25", "-3.25")]
    [InlineData("1.234.567", "1234567")]
    [InlineData("12.3456", "12.3456")]
    public void Unambiguous_notations_are_read(string text, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), MoneyReader.Parse(text).Amount);

    [Theory]
    [InlineData("1.500")]
    [InlineData("1,234,56")]
    [InlineData("1.23,4")]
    [InlineData(",5")]
    [InlineData("5,")]
    [InlineData("1 000")]
    public void Ambiguous_or_malformed_notations_are_problems(string text) => Assert.True(MoneyReader.Parse(text).HasProblem);
}
