using System.Globalization;
using System.Text.Json.Nodes;
using Randomizer = Bogus.Randomizer;
using Platform.SourceSimulator.Domain.People;

namespace Platform.SourceSimulator.Domain.Hotmart;

/// <summary>
/// Hotmart's REST shapes (sales/history, sales/users; developers.hotmart.com as mirrored in VENDOR-APIS.md) and
/// postback v2.0.0 bodies (tests/vendor-samples/hotmart). REST money is <c>{value, currency_code}</c>; postbacks use
/// <c>currency_value</c>, and some postback statuses are spelled differently (COMPLETED, CANCELED, DISPUTE).
/// </summary>
internal static class HotmartJson
{
    public static JsonObject Sale(HotmartSale s, Person producer, string producerUcode) => new()
    {
        ["product"] = new JsonObject { ["name"] = s.Product.Name, ["id"] = s.Product.Id },
        ["buyer"] = new JsonObject { ["name"] = s.Buyer.Name, ["ucode"] = s.Buyer.Ucode, ["email"] = s.Buyer.Email },
        ["producer"] = new JsonObject { ["name"] = producer.FullName, ["ucode"] = producerUcode },
        ["purchase"] = new JsonObject
        {
            ["transaction"] = s.Transaction,
            ["order_date"] = s.OrderDate,
            ["approved_date"] = s.ApprovedDate,
            ["status"] = s.Status,
            ["recurrency_number"] = s.RecurrencyNumber,
            ["is_subscription"] = s.Product.IsSubscription,
            ["commission_as"] = "PRODUCER",
            ["price"] = new JsonObject { ["value"] = s.Price, ["currency_code"] = s.Currency },
            ["payment"] = new JsonObject { ["method"] = s.PaymentType, ["installments_number"] = s.Installments, ["type"] = s.PaymentType },
            ["tracking"] = new JsonObject { ["source_sck"] = s.SourceSck, ["source"] = s.Source, ["external_code"] = null },
            ["warranty_expire_date"] = s.WarrantyExpireDate,
            ["offer"] = new JsonObject { ["payment_mode"] = s.Product.IsSubscription ? "SUBSCRIPTION" : "UNIQUE_PAYMENT", ["code"] = s.OfferCode },
            ["hotmart_fee"] = new JsonObject
            {
                ["total"] = s.FeeTotal,
                ["fixed"] = 1m,
                ["currency_code"] = s.Currency,
                ["base"] = s.Price,
                ["percentage"] = 9.9m,
            },
        },
    };

    public static JsonObject Users(HotmartSale s, Person producer, string producerUcode)
    {
        var b = s.Buyer;
        var buyerDocuments = new JsonArray();
        if (b.Document is not null)
        {
            buyerDocuments.Add(new JsonObject { ["value"] = b.Document, ["type"] = "CPF" });
        }
        return new JsonObject
        {
            ["transaction"] = s.Transaction,
            ["product"] = new JsonObject { ["name"] = s.Product.Name, ["id"] = s.Product.Id },
            ["users"] = new JsonArray(
                new JsonObject
                {
                    ["role"] = "PRODUCER",
                    ["user"] = User(producerUcode, producer.FullName, producer.Email, producer.Mobile, producer.Landline ?? "",
                        new JsonArray(new JsonObject { ["value"] = producer.Cpf, ["type"] = "CPF" }), producer.Address, tradeName: "Escola " + producer.LastName.Split(' ')[0]),
                },
                new JsonObject
                {
                    ["role"] = "BUYER",
                    ["user"] = User(b.Ucode, b.Name, b.Email, b.Cellphone, b.Phone ?? "", buyerDocuments, b.Person.Address, tradeName: null),
                }),
        };
    }

    /// <summary>The <c>data</c> of a purchase postback.</summary>
    public static JsonObject PurchaseWebhookData(HotmartSale s, Person producer, string evt)
    {
        var b = s.Buyer;
        var a = b.Person.Address;
        var names = b.Name.Split(' ', 2);
        var status = evt switch
        {
            "PURCHASE_COMPLETE" => "COMPLETED",
            "PURCHASE_CANCELED" => "CANCELED",
            "PURCHASE_PROTEST" => "DISPUTE",
            _ => s.Status,
        };
        var marketplace = Math.Round(s.Price * 0.099m + 1m, 2);
        var data = new JsonObject
        {
            ["product"] = new JsonObject
            {
                ["id"] = s.Product.Id,
                ["ucode"] = s.Product.Ucode,
                ["name"] = s.Product.Name,
                ["warranty_date"] = DateTimeOffset.FromUnixTimeMilliseconds(s.WarrantyExpireDate).ToString("yyyy-MM-dd'T'00:00:00'Z'", CultureInfo.InvariantCulture),
                ["support_email"] = "suporte@" + Spelling.Slug(producer.LastName.Split(' ')[0]) + ".com.br",
                ["has_co_production"] = false,
                ["is_physical_product"] = false,
            },
            ["affiliates"] = new JsonArray(),
            ["buyer"] = new JsonObject
            {
                ["email"] = b.Email,
                ["name"] = b.Name,
                ["first_name"] = names[0],
                ["last_name"] = names.Length > 1 ? names[1] : "",
                ["checkout_phone_code"] = b.Person.Mobile[..2],
                ["checkout_phone"] = b.Person.Mobile[2..],
                ["address"] = new JsonObject
                {
                    ["city"] = a.City.Name,
                    ["country"] = "Brasil",
                    ["country_iso"] = "BR",
                    ["state"] = a.City.State,
                    ["neighborhood"] = a.Neighborhood,
                    ["zipcode"] = a.Cep,
                    ["address"] = a.Street,
                    ["number"] = a.Number,
                    ["complement"] = a.Complement ?? "",
                },
                ["document"] = b.Document,
                ["document_type"] = b.Document is null ? null : "CPF",
            },
            ["producer"] = new JsonObject
            {
                ["name"] = producer.FullName,
                ["document"] = producer.Cpf,
                ["legal_nature"] = "Pessoa Física",
            },
            ["commissions"] = new JsonArray(
                new JsonObject { ["value"] = marketplace, ["source"] = "MARKETPLACE", ["currency_value"] = s.Currency },
                new JsonObject { ["value"] = s.Price - marketplace, ["source"] = "PRODUCER", ["currency_value"] = s.Currency }),
            ["purchase"] = new JsonObject
            {
                ["approved_date"] = s.ApprovedDate,
                ["full_price"] = Money(s.Price, s.Currency),
                ["price"] = Money(s.Price, s.Currency),
                ["checkout_country"] = new JsonObject { ["name"] = "Brasil", ["iso"] = "BR" },
                ["order_bump"] = new JsonObject { ["is_order_bump"] = false },
                ["original_offer_price"] = Money(s.Price, s.Currency),
                ["order_date"] = s.OrderDate,
                ["status"] = status,
                ["transaction"] = s.Transaction,
                ["payment"] = new JsonObject { ["installments_number"] = s.Installments, ["type"] = s.PaymentType },
                ["offer"] = new JsonObject { ["code"] = s.OfferCode },
                ["is_funnel"] = false,
                ["business_model"] = "I",
            },
        };
        if (s.Product.IsSubscription)
        {
            data["purchase"]!["recurrence_number"] = s.RecurrencyNumber;
            data["subscription"] = new JsonObject
            {
                ["status"] = s.Status is "APPROVED" or "COMPLETE" ? "ACTIVE" : "INACTIVE",
                ["plan"] = new JsonObject { ["id"] = s.Product.PlanId, ["name"] = s.Product.PlanName },
                ["subscriber"] = new JsonObject { ["code"] = b.SubscriberCode },
            };
        }
        return data;
    }

    /// <summary>PURCHASE_OUT_OF_SHOPPING_CART: only what the lead typed before leaving (the buyer has a plain <c>phone</c>).</summary>
    public static JsonObject CartAbandonment(HotmartBuyer b, HotmartProduct product, Randomizer rng) => new()
    {
        ["affiliate"] = false,
        ["product"] = new JsonObject { ["id"] = product.Id, ["name"] = product.Name },
        ["buyer"] = new JsonObject { ["name"] = b.Name, ["email"] = b.Email, ["phone"] = b.Person.Mobile },
        ["offer"] = new JsonObject { ["code"] = Det.Base62((ulong)product.Id, 8).ToLowerInvariant() },
        ["checkout_country"] = new JsonObject { ["name"] = "Brasil", ["iso"] = "BR" },
        ["buyer_ip"] = $"{rng.Number(177, 201)}.{rng.Number(0, 255)}.{rng.Number(0, 255)}.{rng.Number(1, 254)}",
    };

    public static JsonObject SubscriptionCancellation(HotmartSale s, long nowMs)
    {
        var b = s.Buyer;
        return new JsonObject
        {
            ["date_next_charge"] = nowMs + 30L * 86_400_000,
            ["product"] = new JsonObject { ["name"] = s.Product.Name, ["id"] = s.Product.Id },
            ["actual_recurrence_value"] = s.Price,
            ["subscriber"] = new JsonObject
            {
                ["code"] = b.SubscriberCode,
                ["phone"] = new JsonObject
                {
                    ["dddCell"] = b.Person.Mobile[..2],
                    ["phone"] = b.Phone is null ? "" : b.Phone[2..],
                    ["dddPhone"] = b.Phone is null ? "" : b.Phone[..2],
                    ["cell"] = b.Person.Mobile[2..],
                },
                ["name"] = b.Name,
                ["email"] = b.Email,
            },
            ["subscription"] = new JsonObject
            {
                ["id"] = 4_000_000 + long.Parse(s.Transaction[^7..], CultureInfo.InvariantCulture),
                ["plan"] = new JsonObject { ["name"] = s.Product.PlanName, ["id"] = s.Product.PlanId },
            },
            ["cancellation_date"] = nowMs,
        };
    }

    private static JsonObject Money(decimal value, string currency) => new() { ["value"] = value, ["currency_value"] = currency };

    private static JsonObject User(string ucode, string name, string email, string cellphone, string phone, JsonArray documents, PostalAddress a, string? tradeName)
    {
        var user = new JsonObject
        {
            ["ucode"] = ucode,
            ["locale"] = "PT_BR",
            ["name"] = name,
        };
        if (tradeName is not null)
        {
            user["trade_name"] = tradeName;
        }
        user["cellphone"] = cellphone;
        user["phone"] = phone;
        user["email"] = email;
        user["documents"] = documents;
        user["address"] = new JsonObject
        {
            ["city"] = a.City.Name,
            ["state"] = a.City.State,
            ["country"] = "Brasil",
            ["zip_code"] = a.Cep,
            ["address"] = a.Street,
            ["complement"] = a.Complement ?? "",
            ["neighborhood"] = a.Neighborhood,
            ["number"] = a.Number,
        };
        return user;
    }
}
