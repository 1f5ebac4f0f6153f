using Platform.SourceSimulator.Domain.People;

namespace Platform.SourceSimulator.Domain.Hotmart;

internal sealed record HotmartProduct(long Id, string Ucode, string Name, decimal Price, bool IsSubscription, long PlanId, string PlanName);

/// <summary>A buyer as Hotmart holds them: one ucode, the details typed at their first checkout.</summary>
internal sealed class HotmartBuyer
{
    public required Person Person { get; init; }
    public required string Ucode { get; init; }
    public required string Name { get; init; }
    public required string Email { get; set; }
    public required string Cellphone { get; set; }
    public string? Phone { get; init; }

    /// <summary>The CPF as typed (digits, sometimes punctuated), or null when the checkout did not ask for it.</summary>
    public string? Document { get; init; }
    public required string SubscriberCode { get; init; }
}

internal sealed class HotmartSale
{
    public required string Transaction { get; init; }
    public required HotmartProduct Product { get; init; }
    public required HotmartBuyer Buyer { get; init; }

    /// <summary>Unix epoch milliseconds, as Hotmart sends dates.</summary>
    public long OrderDate { get; init; }
    public long? ApprovedDate { get; set; }
    public required string Status { get; set; }
    public decimal Price { get; init; }
    public required string Currency { get; init; }
    public required string PaymentType { get; init; }
    public int Installments { get; init; }
    public int? RecurrencyNumber { get; init; }
    public required string OfferCode { get; init; }
    public string? SourceSck { get; init; }
    public string? Source { get; init; }
    public required string BuyerIp { get; init; }
    public long WarrantyExpireDate => OrderDate + 7L * 86_400_000;
    public decimal FeeTotal => Math.Round(Price * 0.099m + 1m, 2);
}
