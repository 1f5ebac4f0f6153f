using System.Security.Cryptography;
using System.Text;

namespace Platform.Campaigns.Domain;

/// <summary>Salted hashes of erased people's identifiers: the only trace of them kept, so they are never messaged again.</summary>
internal static class Suppression
{
    public static string Hash(string salt, string workspaceId, string kind, string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(salt),
            Encoding.UTF8.GetBytes($"{workspaceId}\n{kind}\n{Normalise(kind, value)}")));

    /// <summary>Emails compare without case or spaces; phones by their digits; other ids as given.</summary>
    public static string Normalise(string kind, string value) => kind switch
    {
        "email" => value.Trim().ToLowerInvariant(),
        "phone" => new string(value.Where(char.IsAsciiDigit).ToArray()),
        _ => value.Trim(),
    };
}
