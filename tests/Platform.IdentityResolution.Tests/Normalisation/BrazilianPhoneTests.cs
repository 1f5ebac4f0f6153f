using Platform.IdentityResolution.Domain.Normalisation;

namespace Platform.IdentityResolution.Tests.Normalisation;

/// <summary>The table of phone spellings that must meet (same E.164) and must not meet.</summary>
public sealed class BrazilianPhoneTests
{
    /// <summary>Every spelling of one São Paulo mobile that must become +5511987654321.</summary>
    public static TheoryData<string> SpellingsOfOneMobile =>
    [
        "+55 (11) 98765-4321",
        "+55 (11) 9 8765-4321",
        "+55 11 98765 4321",
        "+5511987654321",
        "5511987654321",
        "55 11 98765-4321",
        "(11) 98765-4321",
        "(11)98765-4321",
        "11 98765 4321",
        "11.98765.4321",
        "11987654321",
        // Without the ninth digit (written before 2016): an 8-digit number starting with 6-9 is a mobile.
        "(11) 8765-4321",
        "55 11 8765-4321",
        "+55 11 8765-4321",
        // Trunk prefix 0, with and without a carrier code (21 = Embratel, 15 = Vivo).
        "011 98765-4321",
        "0 21 11 98765-4321",
        "015 11 98765-4321",
        "+55 (011) 98765-4321",
        "0055 11 98765-4321",
    ];

    [Theory]
    [MemberData(nameof(SpellingsOfOneMobile))]
    public void Spellings_of_the_same_mobile_meet_on_one_E164_value(string spelling) =>
        Assert.Equal("+5511987654321", PhoneNormaliser.Normalise(spelling));

    [Theory]
    [InlineData("(11) 3456-7890", "+551134567890")]
    [InlineData("+55 21 2345-6789", "+552123456789")]
    [InlineData("(55) 9912-3456", "+5555999123456")]
    [InlineData("55 55 99912-3456", "+5555999123456")]
    [InlineData("(99) 98888-7777", "+5599988887777")]
    [InlineData("+1 (415) 555-2671", "+14155552671")]
    [InlineData("+351 912 345 678", "+351912345678")]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    public void Landlines_other_area_codes_and_other_countries_with_a_plus_normalise(string spelling, string expected) =>
        Assert.Equal(expected, PhoneNormaliser.Normalise(spelling));

    /// <summary>Pairs that look alike but are different lines.</summary>
    [Theory]
    [InlineData("(11) 98765-4321", "(21) 98765-4321")]   // same number, another area code
    [InlineData("(11) 98765-4321", "(11) 98765-4322")]   // one digit apart
    [InlineData("(11) 3456-7890", "(11) 93456-7890")]    // a landline is not the mobile with a 9 in front
    [InlineData("(11) 3456-7890", "(12) 3456-7890")]     // landlines in two areas
    [InlineData("+1 415 555 2671", "(41) 5555-2671")]    // a US number is not a Curitiba landline
    [InlineData("(19) 98765-4321", "(91) 98765-4321")]   // swapped area code digits
    public void Different_lines_do_not_meet(string one, string other)
    {
        var a = PhoneNormaliser.Normalise(one);
        var b = PhoneNormaliser.Normalise(other);
        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a phone")]
    [InlineData("98765-4321")]                 // no area code
    [InlineData("(10) 98765-4321")]            // 10 is not an area code
    [InlineData("(20) 98765-4321")]            // nor is 20
    [InlineData("(11) 88765-4321")]            // nine digits must start with 9
    [InlineData("(11) 1876-5432")]             // eight digits starting with 1
    [InlineData("0800 123 4567")]              // a toll-free service number
    [InlineData("(11) 98765-4321 ramal 22")]   // words: not just a number
    [InlineData("+1 415 555 267")]             // North American numbers have 11 digits
    [InlineData("+0 11 98765 4321")]           // no country code starts with 0
    [InlineData("+12")]
    [InlineData("00000000000")]
    [InlineData("11111111111")]
    public void Numbers_that_cannot_be_placed_do_not_normalise(string spelling) =>
        Assert.Null(PhoneNormaliser.Normalise(spelling));
}
