using System.Globalization;
using System.Text;

namespace Platform.IdentityResolution.Domain.Normalisation;

/// <summary>
/// A person's name reduced to what tells two spellings of it apart: case, accents and spacing do not
/// (<c>Ána  Souza</c> and <c>ana souza</c> are one name).
/// </summary>
internal static class NameKey
{
    /// <summary>The comparable form, or null when there is no name (blank, or no letter at all).</summary>
    public static string? Of(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }
        var builder = new StringBuilder(name.Length);
        foreach (var c in name.Normalize(NormalizationForm.FormD))
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            if (char.IsLetter(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (builder.Length > 0 && builder[^1] != ' ')
            {
                builder.Append(' ');
            }
        }
        var key = builder.ToString().Trim();
        return key.Length == 0 ? null : key;
    }
}
