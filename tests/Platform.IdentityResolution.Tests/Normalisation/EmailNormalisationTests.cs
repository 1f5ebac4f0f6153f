using Platform.IdentityResolution.Domain.Normalisation;

namespace Platform.IdentityResolution.Tests.Normalisation;

public sealed class EmailNormalisationTests
{
    [Theory]
    [InlineData("  Ana@Example.COM ", "ana@example.com")]
    [InlineData("ana@example.com", "ana@example.com")]
    [InlineData("Ana.Souza+hotmart@Gmail.com", "ana.souza+hotmart@gmail.com")]
    [InlineData("mailto:JOAO@empresa.com.br", "joao@empresa.com.br")]
    public void Emails_are_trimmed_and_lower_cased(string raw, string expected) =>
        Assert.Equal(expected, EmailNormaliser.Normalise(raw));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not an address")]
    [InlineData("ana@")]
    [InlineData("@example.com")]
    [InlineData("ana@example")]
    [InlineData("ana@@example.com")]
    [InlineData("ana souza@example.com")]
    [InlineData("ana@example.c")]
    [InlineData("ana..souza@example.com")]
    [InlineData("ana@-example.com")]
    [InlineData("ana@example..com")]
    public void Blank_or_impossible_emails_do_not_normalise(string raw) =>
        Assert.Null(EmailNormaliser.Normalise(raw));
}
