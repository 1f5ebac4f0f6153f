using Platform.ServiceDefaults.Privacy;

namespace Platform.IdentityResolution.Domain.Normalisation;

/// <summary>
/// An identifier value as logs may show it (<see cref="PersonalDataMask"/>, shared by every service so a log never
/// holds an email, phone or document).
/// </summary>
internal static class IdentifierMask
{
    public static string Mask(string kind, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return PersonalDataMask.Mask(kind, value);
    }
}
