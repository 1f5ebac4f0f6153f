using Platform.IdentityResolution.Domain.Normalisation;

namespace Platform.IdentityResolution.Tests.Normalisation;

/// <summary>Numbers of other countries: placed by libphonenumber after the Brazilian rules, never mistaken for Brazilian ones.</summary>
public sealed class InternationalPhoneTests
{
    [Theory]
    [InlineData("00 351 912 345 678", "+351912345678")]   // Portugal through the international prefix, not a Porto Alegre mobile
    [InlineData("00351912345678", "+351912345678")]
    [InlineData("00 1 415 555 2671", "+14155552671")]
    [InlineData("00 44 20 7946 0958", "+442079460958")]
    [InlineData("+44 7911 123456", "+447911123456")]
    [InlineData("+351 21 234 5678", "+351212345678")]
    public void Numbers_of_other_countries_normalise_to_their_own_E164(string spelling, string expected) =>
        Assert.Equal(expected, PhoneNormaliser.Normalise(spelling));

    [Theory]
    [InlineData("+11 98765-4321")]        // an area code behind a plus is not a North American number
    [InlineData("+999 1234 5678")]        // 999 is no country code
    [InlineData("+351 912 345")]          // too short for Portugal
    [InlineData("00 999 1234 5678")]
    [InlineData("+1 115 555 2671")]       // no North American area code starts with 1
    public void International_numbers_that_are_not_valid_do_not_normalise(string spelling) =>
        Assert.Null(PhoneNormaliser.Normalise(spelling));

    [Fact]
    public void A_Portuguese_number_and_a_Porto_Alegre_mobile_do_not_meet() =>
        Assert.NotEqual(PhoneNormaliser.Normalise("00 351 912 345 678"), PhoneNormaliser.Normalise("(51) 91234-5678"));
}
