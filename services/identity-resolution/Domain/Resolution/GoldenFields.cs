namespace Platform.IdentityResolution.Domain.Resolution;

/// <summary>The fields of a client's golden record.</summary>
internal static class GoldenFields
{
    public const string Name = "name";
    public const string FirstName = "first_name";
    public const string LastName = "last_name";
    public const string Email = "email";
    public const string Phone = "phone";
    public const string Document = "document";
    public const string City = "city";
    public const string State = "state";
    public const string Country = "country";
    public const string CompanyName = "company_name";
    public const string LegalName = "legal_name";

    public static readonly IReadOnlyList<string> All =
        [Name, FirstName, LastName, Email, Phone, Document, City, State, Country, CompanyName, LegalName];
}
