using Platform.IdentityResolution.Privacy;
using Platform.ServiceDefaults.Privacy;

namespace Platform.IdentityResolution.Tests;

public sealed class PrivacySubjectTests
{
    private static readonly Guid Ana = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Bia = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly SubjectIdentifier AnaEmail = new("email", "ana@example.com");
    private static readonly SubjectIdentifier FamilyPhone = new("phone", "+5511987654321");
    private static readonly SubjectIdentifier BiaCpf = new("cpf", "52998224725");

    [Fact]
    public void One_person_holding_the_values_is_the_subject()
    {
        var (people, others) = IdentityPrivacyParticipant.Subject([(Ana, AnaEmail), (Ana, FamilyPhone)]);

        Assert.Equal([Ana], people);
        Assert.Empty(others);
    }

    [Fact]
    public void Of_several_holders_the_one_holding_every_value_is_the_subject_and_the_shared_values_are_the_others_too()
    {
        var (people, others) = IdentityPrivacyParticipant.Subject([(Ana, AnaEmail), (Ana, FamilyPhone), (Bia, FamilyPhone)]);

        Assert.Equal([Ana], people);
        Assert.Equal([FamilyPhone], others);
    }

    [Fact]
    public void When_no_holder_has_every_value_the_request_names_nobody_and_the_message_shows_no_value()
    {
        var shared = Assert.Throws<AmbiguousSubjectException>(() => IdentityPrivacyParticipant.Subject([(Ana, FamilyPhone), (Bia, FamilyPhone)]));
        var apart = Assert.Throws<AmbiguousSubjectException>(() => IdentityPrivacyParticipant.Subject([(Ana, AnaEmail), (Bia, BiaCpf)]));

        Assert.Contains("2 different clients (shared: phone)", shared.Message, StringComparison.Ordinal);
        Assert.Contains("(each holds some of them, none all)", apart.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ana@", apart.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("52998224725", apart.Message, StringComparison.Ordinal);
    }
}
