using Platform.Contracts.Records;
using Platform.IdentityResolution.Domain.Normalisation;

namespace Platform.IdentityResolution.Tests.Normalisation;

public sealed class DocumentNormalisationTests
{
    [Theory]
    [InlineData("529.982.247-25", "52998224725")]
    [InlineData("52998224725", "52998224725")]
    [InlineData(" 123.456.789-09 ", "12345678909")]
    [InlineData("111 444 777 35", "11144477735")]
    // A spreadsheet dropped the leading zeros of 001.234.567-97.
    [InlineData("123456797", "00123456797")]
    public void Valid_CPFs_become_their_eleven_digits(string raw, string expected) =>
        Assert.Equal(new NormalisedIdentifier(IdentifierKinds.Cpf, expected), DocumentNormaliser.Normalise(raw));

    [Theory]
    [InlineData("11.222.333/0001-81", "11222333000181")]
    [InlineData("98765432000198", "98765432000198")]
    // The alphanumeric CNPJ the Receita Federal issues from July 2026 (its own published example).
    [InlineData("12.ABC.345/01DE-35", "12ABC34501DE35")]
    [InlineData("12.abc.345/01de-35", "12ABC34501DE35")]
    public void Valid_CNPJs_become_their_fourteen_characters(string raw, string expected) =>
        Assert.Equal(new NormalisedIdentifier(IdentifierKinds.Cnpj, expected), DocumentNormaliser.Normalise(raw));

    [Theory]
    [InlineData("529.982.247-24")]        // last check digit wrong
    [InlineData("529.982.247-15")]        // first check digit wrong
    [InlineData("000.000.000-00")]        // repeated digits pass the arithmetic but are not CPFs
    [InlineData("111.111.111-11")]
    [InlineData("00000000000")]
    [InlineData("5299822472")]            // ten digits padded become 05299822472, whose check digits fail
    [InlineData("11.222.333/0001-82")]
    [InlineData("12.ABC.345/01DE-36")]
    [InlineData("11.111.111/1111-11")]
    [InlineData("CPF 529.982.247-25")]    // words around the number
    [InlineData("529*982*247-25")]
    [InlineData("")]
    public void Documents_with_wrong_check_digits_or_shapes_do_not_normalise(string raw) =>
        Assert.Null(DocumentNormaliser.Normalise(raw));

    [Fact]
    public void A_valid_CNPJ_sent_as_a_cpf_is_read_as_a_CNPJ() =>
        Assert.Equal(new NormalisedIdentifier(IdentifierKinds.Cnpj, "11222333000181"),
            IdentifierNormaliser.Normalise(new Identifier(IdentifierKinds.Cpf, "11.222.333/0001-81")));
}
