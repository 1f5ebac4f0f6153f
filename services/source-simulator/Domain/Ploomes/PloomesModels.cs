using Platform.SourceSimulator.Domain.People;

namespace Platform.SourceSimulator.Domain.Ploomes;

/// <summary>A phone of a contact. TypeId: 1 commercial, 2 home, 3 mobile (an assumption: Ploomes reads them from /Phones@Types).</summary>
internal sealed record PloomesPhone(string PhoneNumber, int TypeId, int CountryId);

internal sealed record PloomesTag(int Id, string Name, string Color);

/// <summary>What lists need of a Ploomes entity.</summary>
internal interface IPloomesEntity
{
    long Id { get; }

    bool Deleted { get; }
}

internal sealed class PloomesContact : IPloomesEntity
{
    public long Id { get; init; }

    /// <summary>1 company, 2 person.</summary>
    public int TypeId { get; init; }
    public required string Name { get; set; }
    public string? LegalName { get; init; }
    public string? Cnpj { get; init; }
    public string? Cpf { get; init; }
    public string? Email { get; set; }
    public long? CompanyId { get; init; }
    public long OwnerId { get; init; }
    public long? OriginId { get; init; }
    public PostalAddress? Address { get; set; }
    public DateOnly? Birthday { get; init; }
    public string? Note { get; init; }
    public DateTimeOffset CreateDate { get; init; }
    public DateTimeOffset LastUpdateDate { get; set; }
    public long UpdaterId { get; set; }
    public List<PloomesPhone> Phones { get; init; } = [];
    public List<int> TagIds { get; init; } = [];
    public bool Deleted { get; set; }
    public Person? Person { get; init; }
}

internal sealed class PloomesDeal : IPloomesEntity
{
    public long Id { get; init; }
    public required string Title { get; set; }
    public long ContactId { get; init; }
    public required string ContactName { get; init; }
    public long? PersonId { get; init; }
    public long PipelineId { get; init; }
    public long StageId { get; set; }

    /// <summary>1 open, 2 won, 3 lost.</summary>
    public int StatusId { get; set; }
    public decimal Amount { get; set; }
    public long OwnerId { get; init; }
    public long? OriginId { get; init; }
    public long? LossReasonId { get; set; }
    public DateTimeOffset StartDate { get; init; }
    public DateTimeOffset? FinishDate { get; set; }
    public DateTimeOffset CreateDate { get; init; }
    public DateTimeOffset LastUpdateDate { get; set; }
    public long UpdaterId { get; set; }
    public int DealNumber { get; init; }
    public List<int> TagIds { get; init; } = [];
    public bool Deleted { get; set; }
}
