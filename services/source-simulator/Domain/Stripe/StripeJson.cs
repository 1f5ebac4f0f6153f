using System.Text.Json.Nodes;
using Platform.SourceSimulator.Domain.People;

namespace Platform.SourceSimulator.Domain.Stripe;

/// <summary>
/// Stripe objects as the API renders them: the same top-level fields, in the same order, as the fixtures of
/// <c>stripe/openapi</c> (tests/vendor-samples/stripe), with values that make sense for a Brazilian business.
/// </summary>
internal static class StripeJson
{
    public static JsonObject Render(StripeObject o) => o switch
    {
        StripeCustomer c => Customer(c),
        StripeCharge c => Charge(c),
        StripePaymentIntent p => PaymentIntent(p),
        StripeInvoice i => Invoice(i),
        StripeSubscription s => Subscription(s),
        StripeRefund r => Refund(r),
        StripeDispute d => Dispute(d),
        StripeEvent e => Event(e),
        _ => throw new ArgumentOutOfRangeException(nameof(o), o.GetType().Name, "Not a Stripe object."),
    };

    public static JsonObject Address(PostalAddress? a) => new()
    {
        ["city"] = a?.City.Name,
        ["country"] = a is null ? null : "BR",
        ["line1"] = a?.Line1,
        ["line2"] = a is null ? null : a.Complement is null ? a.Neighborhood : $"{a.Complement} - {a.Neighborhood}",
        ["postal_code"] = a?.FormattedCep,
        ["state"] = a?.City.Uf,
    };

    private static JsonObject Customer(StripeCustomer c)
    {
        var metadata = new JsonObject();
        if (c.Cpf is not null)
        {
            metadata["cpf"] = c.Cpf;
        }
        return new JsonObject
        {
            ["address"] = c.Address is null ? null : Address(c.Address),
            ["balance"] = 0,
            ["created"] = c.Created,
            ["currency"] = "brl",
            ["default_source"] = null,
            ["delinquent"] = c.Delinquent,
            ["description"] = null,
            ["discount"] = null,
            ["email"] = c.Email,
            ["id"] = c.Id,
            ["invoice_prefix"] = c.InvoicePrefix,
            ["invoice_settings"] = new JsonObject
            {
                ["custom_fields"] = null,
                ["default_payment_method"] = null,
                ["footer"] = null,
                ["rendering_options"] = null,
            },
            ["livemode"] = false,
            ["metadata"] = metadata,
            ["name"] = c.Name,
            ["next_invoice_sequence"] = c.NextInvoiceSequence,
            ["object"] = "customer",
            ["phone"] = c.Phone,
            ["preferred_locales"] = new JsonArray("pt-BR"),
            ["shipping"] = null,
            ["tax_exempt"] = "none",
            ["test_clock"] = null,
        };
    }

    private static JsonObject Charge(StripeCharge c)
    {
        var succeeded = c.Status == "succeeded";
        return new JsonObject
        {
            ["amount"] = c.Amount,
            ["amount_captured"] = succeeded ? c.Amount : 0,
            ["amount_refunded"] = c.AmountRefunded,
            ["application"] = null,
            ["application_fee"] = null,
            ["application_fee_amount"] = null,
            ["balance_transaction"] = c.BalanceTransaction,
            ["billing_details"] = new JsonObject
            {
                ["address"] = Address(c.Method == "boleto" ? c.Customer.Person.Address : null),
                ["email"] = c.BillingEmail,
                ["name"] = c.BillingName,
                ["phone"] = c.BillingPhone,
                ["tax_id"] = c.Method == "boleto" ? c.Customer.Person.Cpf : null,
            },
            ["calculated_statement_descriptor"] = "SIMULADOR*LOJA",
            ["captured"] = succeeded,
            ["created"] = c.Created,
            ["currency"] = c.Currency,
            ["customer"] = c.Customer.Id,
            ["description"] = c.Description,
            ["disputed"] = c.Disputed,
            ["failure_balance_transaction"] = null,
            ["failure_code"] = c.FailureCode,
            ["failure_message"] = c.FailureMessage,
            ["fraud_details"] = new JsonObject(),
            ["id"] = c.Id,
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            ["object"] = "charge",
            ["on_behalf_of"] = null,
            ["outcome"] = c.Status switch
            {
                "succeeded" => Outcome("approved_by_network", null, "normal", "Payment complete.", "authorized"),
                "pending" => null,
                _ => Outcome("declined_by_network", "generic_decline", "normal", "The bank did not return any further details with this decline.", "issuer_declined"),
            },
            ["paid"] = succeeded,
            ["payment_intent"] = c.PaymentIntentId,
            ["payment_method"] = c.PaymentMethodId,
            ["payment_method_details"] = PaymentMethodDetails(c),
            ["receipt_email"] = c.Customer.Email,
            ["receipt_number"] = null,
            ["receipt_url"] = succeeded ? $"https://pay.stripe.com/receipts/payment/{c.ReceiptToken}" : null,
            ["refunded"] = c.Refunded,
            ["refunds"] = new JsonObject
            {
                ["data"] = new JsonArray(),
                ["has_more"] = false,
                ["object"] = "list",
                ["url"] = $"/v1/charges/{c.Id}/refunds",
            },
            ["review"] = null,
            ["shipping"] = null,
            ["source_transfer"] = null,
            ["statement_descriptor"] = null,
            ["statement_descriptor_suffix"] = null,
            ["status"] = c.Status,
            ["transfer_data"] = null,
            ["transfer_group"] = null,
            ["source"] = null,
        };
    }

    private static JsonObject Outcome(string networkStatus, string? reason, string risk, string message, string type) => new()
    {
        ["advice_code"] = null,
        ["network_advice_code"] = null,
        ["network_decline_code"] = null,
        ["network_status"] = networkStatus,
        ["reason"] = reason,
        ["risk_level"] = risk,
        ["seller_message"] = message,
        ["type"] = type,
    };

    private static JsonObject PaymentMethodDetails(StripeCharge c) => c.Method switch
    {
        "boleto" => new JsonObject { ["boleto"] = new JsonObject { ["tax_id"] = c.Customer.Person.Cpf }, ["type"] = "boleto" },
        "pix" => new JsonObject { ["pix"] = new JsonObject { ["bank_transaction_id"] = c.Status == "succeeded" ? "E" + c.ReceiptToken[..31].ToUpperInvariant() : null }, ["type"] = "pix" },
        _ => new JsonObject
        {
            ["card"] = new JsonObject
            {
                ["amount_authorized"] = c.Status == "succeeded" ? c.Amount : null,
                ["brand"] = c.CardBrand,
                ["checks"] = new JsonObject { ["address_line1_check"] = null, ["address_postal_code_check"] = null, ["cvc_check"] = "pass" },
                ["country"] = "BR",
                ["exp_month"] = c.ExpMonth,
                ["exp_year"] = c.ExpYear,
                ["fingerprint"] = c.ReceiptToken[..16],
                ["funding"] = "credit",
                ["installments"] = c.Installments > 1
                    ? new JsonObject { ["plan"] = new JsonObject { ["count"] = c.Installments, ["interval"] = "month", ["type"] = "fixed_count" } }
                    : null,
                ["last4"] = c.Last4,
                ["mandate"] = null,
                ["network"] = c.CardBrand == "hipercard" ? "hipercard" : c.CardBrand,
                ["three_d_secure"] = null,
                ["wallet"] = null,
            },
            ["type"] = "card",
        },
    };

    private static JsonObject PaymentIntent(StripePaymentIntent p)
    {
        var c = p.Charge;
        return new JsonObject
        {
            ["amount"] = c.Amount,
            ["amount_capturable"] = 0,
            ["amount_details"] = new JsonObject { ["tip"] = new JsonObject() },
            ["amount_received"] = c.Status == "succeeded" ? c.Amount : 0,
            ["application"] = null,
            ["application_fee_amount"] = null,
            ["automatic_payment_methods"] = new JsonObject { ["allow_redirects"] = "always", ["enabled"] = true },
            ["canceled_at"] = null,
            ["cancellation_reason"] = null,
            ["capture_method"] = "automatic_async",
            ["client_secret"] = $"{p.Id}_secret_{p.SecretSuffix}",
            ["confirmation_method"] = "automatic",
            ["created"] = p.Created,
            ["currency"] = c.Currency,
            ["customer"] = c.Customer.Id,
            ["description"] = c.Description,
            ["id"] = p.Id,
            ["last_payment_error"] = c.Status == "failed"
                ? new JsonObject { ["charge"] = c.Id, ["code"] = c.FailureCode, ["decline_code"] = "generic_decline", ["message"] = c.FailureMessage, ["type"] = "card_error" }
                : null,
            ["latest_charge"] = c.Id,
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            ["next_action"] = c.Method == "boleto" && c.Status == "pending"
                ? new JsonObject { ["type"] = "boleto_display_details" }
                : null,
            ["object"] = "payment_intent",
            ["on_behalf_of"] = null,
            ["payment_method"] = c.Status == "failed" ? null : c.PaymentMethodId,
            ["payment_method_configuration_details"] = null,
            ["payment_method_options"] = new JsonObject(),
            ["payment_method_types"] = new JsonArray(c.Method),
            ["processing"] = null,
            ["receipt_email"] = c.Customer.Email,
            ["review"] = null,
            ["setup_future_usage"] = null,
            ["shipping"] = null,
            ["statement_descriptor"] = null,
            ["statement_descriptor_suffix"] = null,
            ["status"] = p.Status,
            ["transfer_data"] = null,
            ["transfer_group"] = null,
            ["source"] = null,
            ["excluded_payment_method_types"] = null,
            ["customer_account"] = null,
            ["managed_payments"] = null,
        };
    }

    private static JsonObject Invoice(StripeInvoice i)
    {
        var paid = i.Status == "paid";
        var customer = i.Customer;
        return new JsonObject
        {
            ["account_country"] = "BR",
            ["account_name"] = "Simulador Loja Ltda",
            ["account_tax_ids"] = null,
            ["amount_due"] = i.Amount,
            ["amount_paid"] = paid ? i.Amount : 0,
            ["amount_remaining"] = paid || i.Status == "void" ? 0 : i.Amount,
            ["amount_shipping"] = 0,
            ["application"] = null,
            ["attempt_count"] = i.AttemptCount,
            ["attempted"] = i.AttemptCount > 0,
            ["auto_advance"] = i.Status is "draft" or "open",
            ["automatic_tax"] = new JsonObject { ["enabled"] = false, ["liability"] = null, ["status"] = null, ["disabled_reason"] = null, ["provider"] = null },
            ["billing_reason"] = i.Subscription is null ? "manual" : "subscription_cycle",
            ["collection_method"] = "charge_automatically",
            ["created"] = i.Created,
            ["currency"] = i.Currency,
            ["custom_fields"] = null,
            ["customer"] = customer.Id,
            ["customer_address"] = customer.Address is null ? null : Address(customer.Address),
            ["customer_email"] = customer.Email,
            ["customer_name"] = customer.Name,
            ["customer_phone"] = customer.Phone,
            ["customer_shipping"] = null,
            ["customer_tax_exempt"] = "none",
            ["customer_tax_ids"] = new JsonArray(),
            ["default_payment_method"] = null,
            ["default_source"] = null,
            ["default_tax_rates"] = new JsonArray(),
            ["description"] = null,
            ["discounts"] = new JsonArray(),
            ["due_date"] = null,
            ["effective_at"] = i.FinalizedAt,
            ["ending_balance"] = i.Status == "draft" ? null : 0,
            ["footer"] = null,
            ["from_invoice"] = null,
            ["hosted_invoice_url"] = i.Status == "draft" ? null : $"https://invoice.stripe.com/i/acct_1SimuladorLoja/test_{i.LineId[4..]}",
            ["id"] = i.Id,
            ["invoice_pdf"] = i.Status == "draft" ? null : $"https://pay.stripe.com/invoice/acct_1SimuladorLoja/test_{i.LineId[4..]}/pdf",
            ["issuer"] = new JsonObject { ["type"] = "self" },
            ["last_finalization_error"] = null,
            ["latest_revision"] = null,
            ["lines"] = new JsonObject
            {
                ["data"] = new JsonArray(InvoiceLine(i)),
                ["has_more"] = false,
                ["object"] = "list",
                ["url"] = $"/v1/invoices/{i.Id}/lines",
            },
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            ["next_payment_attempt"] = i.Status == "open" ? i.Created + 3 * 86_400 : null,
            ["number"] = i.Status == "draft" ? null : i.Number,
            ["object"] = "invoice",
            ["on_behalf_of"] = null,
            ["payment_settings"] = new JsonObject
            {
                ["default_mandate"] = null,
                ["payment_method_options"] = null,
                ["payment_method_types"] = null,
            },
            ["period_end"] = i.PeriodEnd,
            ["period_start"] = i.PeriodStart,
            ["post_payment_credit_notes_amount"] = 0,
            ["pre_payment_credit_notes_amount"] = 0,
            ["receipt_number"] = null,
            ["rendering"] = null,
            ["shipping_cost"] = null,
            ["shipping_details"] = null,
            ["starting_balance"] = 0,
            ["statement_descriptor"] = null,
            ["status"] = i.Status,
            ["status_transitions"] = new JsonObject
            {
                ["finalized_at"] = i.FinalizedAt,
                ["marked_uncollectible_at"] = i.MarkedUncollectibleAt,
                ["paid_at"] = i.PaidAt,
                ["voided_at"] = i.VoidedAt,
            },
            ["subscription"] = null,
            ["subtotal"] = i.Amount,
            ["subtotal_excluding_tax"] = i.Amount,
            ["test_clock"] = null,
            ["total"] = i.Amount,
            ["total_discount_amounts"] = new JsonArray(),
            ["total_excluding_tax"] = i.Amount,
            ["webhooks_delivered_at"] = i.Created,
            ["automatically_finalizes_at"] = i.Status == "draft" ? i.Created + 3_600 : null,
            ["total_pretax_credit_amounts"] = new JsonArray(),
            ["total_taxes"] = new JsonArray(),
            ["amount_overpaid"] = 0,
            ["parent"] = i.Subscription is null
                ? null
                : new JsonObject
                {
                    ["quote_details"] = null,
                    ["subscription_details"] = new JsonObject { ["metadata"] = new JsonObject(), ["subscription"] = i.Subscription.Id },
                    ["type"] = "subscription_details",
                },
            ["customer_account"] = null,
        };
    }

    private static JsonObject InvoiceLine(StripeInvoice i) => new()
    {
        ["amount"] = i.Amount,
        ["currency"] = i.Currency,
        ["description"] = i.Description,
        ["discount_amounts"] = new JsonArray(),
        ["discountable"] = true,
        ["discounts"] = new JsonArray(),
        ["id"] = i.LineId,
        ["invoice"] = i.Id,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["object"] = "line_item",
        ["period"] = new JsonObject { ["end"] = i.PeriodEnd, ["start"] = i.PeriodStart },
        ["quantity"] = 1,
        ["subscription"] = i.Subscription?.Id,
        ["pretax_credit_amounts"] = new JsonArray(),
        ["taxes"] = new JsonArray(),
        ["parent"] = i.Subscription is null
            ? new JsonObject { ["invoice_item_details"] = new JsonObject { ["invoice_item"] = "ii_" + i.LineId[3..], ["proration"] = false, ["proration_details"] = null, ["subscription"] = null }, ["subscription_item_details"] = null, ["type"] = "invoice_item_details" }
            : new JsonObject { ["invoice_item_details"] = null, ["subscription_item_details"] = new JsonObject { ["invoice_item"] = null, ["proration"] = false, ["proration_details"] = null, ["subscription"] = i.Subscription.Id, ["subscription_item"] = i.Subscription.ItemId }, ["type"] = "subscription_item_details" },
        ["pricing"] = new JsonObject
        {
            ["price_details"] = i.Subscription is null ? null : new JsonObject { ["price"] = i.Subscription.Price.Id, ["product"] = i.Subscription.Price.ProductId },
            ["type"] = "price_details",
            ["unit_amount_decimal"] = i.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        ["subtotal"] = i.Amount,
        ["quantity_decimal"] = "1",
    };

    private static JsonObject Subscription(StripeSubscription s)
    {
        var p = s.Price;
        return new JsonObject
        {
            ["application"] = null,
            ["application_fee_percent"] = null,
            ["automatic_tax"] = new JsonObject { ["enabled"] = false, ["liability"] = null, ["disabled_reason"] = null },
            ["billing_cycle_anchor"] = s.StartDate,
            ["billing_cycle_anchor_config"] = null,
            ["cancel_at"] = s.CancelAtPeriodEnd ? s.CurrentPeriodEnd : null,
            ["canceled_at"] = s.CanceledAt,
            ["cancellation_details"] = new JsonObject
            {
                ["comment"] = null,
                ["feedback"] = null,
                ["reason"] = s.CanceledAt is null ? null : "cancellation_requested",
            },
            ["collection_method"] = "charge_automatically",
            ["created"] = s.Created,
            ["currency"] = "brl",
            ["customer"] = s.Customer.Id,
            ["days_until_due"] = null,
            ["default_payment_method"] = null,
            ["default_source"] = null,
            ["default_tax_rates"] = new JsonArray(),
            ["description"] = null,
            ["discounts"] = new JsonArray(),
            ["ended_at"] = s.EndedAt,
            ["id"] = s.Id,
            ["invoice_settings"] = new JsonObject { ["account_tax_ids"] = null, ["issuer"] = new JsonObject { ["type"] = "self" } },
            ["items"] = new JsonObject
            {
                ["data"] = new JsonArray(new JsonObject
                {
                    ["created"] = s.Created,
                    ["discounts"] = new JsonArray(),
                    ["id"] = s.ItemId,
                    ["metadata"] = new JsonObject(),
                    ["object"] = "subscription_item",
                    ["price"] = new JsonObject
                    {
                        ["active"] = true,
                        ["billing_scheme"] = "per_unit",
                        ["created"] = 1_704_067_200,
                        ["currency"] = "brl",
                        ["custom_unit_amount"] = null,
                        ["id"] = p.Id,
                        ["livemode"] = false,
                        ["lookup_key"] = null,
                        ["metadata"] = new JsonObject(),
                        ["nickname"] = $"{p.ProductName} {(p.Interval == "year" ? "Anual" : "Mensal")}",
                        ["object"] = "price",
                        ["product"] = p.ProductId,
                        ["recurring"] = new JsonObject
                        {
                            ["interval"] = p.Interval,
                            ["interval_count"] = 1,
                            ["meter"] = null,
                            ["usage_type"] = "licensed",
                            ["trial_period_days"] = null,
                        },
                        ["tax_behavior"] = "unspecified",
                        ["tiers_mode"] = null,
                        ["transform_quantity"] = null,
                        ["type"] = "recurring",
                        ["unit_amount"] = p.UnitAmount,
                        ["unit_amount_decimal"] = p.UnitAmount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    },
                    ["quantity"] = 1,
                    ["subscription"] = s.Id,
                    ["tax_rates"] = new JsonArray(),
                    ["current_period_end"] = s.CurrentPeriodEnd,
                    ["current_period_start"] = s.CurrentPeriodStart,
                }),
                ["has_more"] = false,
                ["object"] = "list",
                ["url"] = $"/v1/subscription_items?subscription={s.Id}",
            },
            ["latest_invoice"] = s.LatestInvoiceId,
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            ["next_pending_invoice_item_invoice"] = null,
            ["object"] = "subscription",
            ["on_behalf_of"] = null,
            ["pause_collection"] = s.Status == "paused" ? new JsonObject { ["behavior"] = "void", ["resumes_at"] = null } : null,
            ["payment_settings"] = new JsonObject
            {
                ["payment_method_options"] = null,
                ["payment_method_types"] = null,
                ["save_default_payment_method"] = "off",
            },
            ["pending_invoice_item_interval"] = null,
            ["pending_setup_intent"] = null,
            ["pending_update"] = null,
            ["schedule"] = null,
            ["start_date"] = s.StartDate,
            ["status"] = s.Status,
            ["test_clock"] = null,
            ["transfer_data"] = null,
            ["trial_end"] = s.TrialEnd,
            ["trial_settings"] = new JsonObject { ["end_behavior"] = new JsonObject { ["missing_payment_method"] = "create_invoice" } },
            ["trial_start"] = s.TrialStart,
            ["cancel_at_period_end"] = s.CancelAtPeriodEnd,
            ["billing_thresholds"] = null,
            ["billing_mode"] = new JsonObject { ["type"] = "classic" },
            ["customer_account"] = null,
            ["managed_payments"] = null,
            ["billing_schedules"] = new JsonArray(),
        };
    }

    private static JsonObject Refund(StripeRefund r) => new()
    {
        ["amount"] = r.Amount,
        ["balance_transaction"] = "txn_" + r.Id[3..],
        ["charge"] = r.Charge.Id,
        ["created"] = r.Created,
        ["currency"] = r.Charge.Currency,
        ["destination_details"] = r.Charge.Method == "card"
            ? new JsonObject { ["card"] = new JsonObject { ["reference_status"] = "available", ["reference_type"] = "acquirer_reference_number", ["type"] = "refund" }, ["type"] = "card" }
            : new JsonObject { ["type"] = r.Charge.Method },
        ["id"] = r.Id,
        ["metadata"] = new JsonObject(),
        ["object"] = "refund",
        ["payment_intent"] = r.Charge.PaymentIntentId,
        ["reason"] = r.Reason,
        ["receipt_number"] = null,
        ["source_transfer_reversal"] = null,
        ["status"] = r.Status,
        ["transfer_reversal"] = null,
        ["customer"] = r.Charge.Customer.Id,
        ["customer_account"] = null,
        ["payment_method"] = r.Charge.PaymentMethodId,
    };

    private static JsonObject Dispute(StripeDispute d) => new()
    {
        ["amount"] = d.Amount,
        ["balance_transactions"] = new JsonArray(),
        ["charge"] = d.Charge.Id,
        ["created"] = d.Created,
        ["currency"] = d.Charge.Currency,
        ["evidence"] = new JsonObject
        {
            ["customer_email_address"] = d.Charge.Customer.Email,
            ["customer_name"] = d.Charge.BillingName,
            ["product_description"] = d.Charge.Description,
            ["uncategorized_text"] = null,
        },
        ["evidence_details"] = new JsonObject
        {
            ["due_by"] = d.DueBy,
            ["has_evidence"] = d.Status is "won" or "lost" or "under_review",
            ["past_due"] = false,
            ["submission_count"] = d.Status is "won" or "lost" or "under_review" ? 1 : 0,
            ["enhanced_eligibility"] = new JsonObject(),
        },
        ["id"] = d.Id,
        ["is_charge_refundable"] = false,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["object"] = "dispute",
        ["payment_intent"] = d.Charge.PaymentIntentId,
        ["payment_method_details"] = new JsonObject
        {
            ["card"] = new JsonObject { ["brand"] = d.Charge.CardBrand, ["case_type"] = "chargeback", ["network_reason_code"] = "10.4" },
            ["type"] = "card",
        },
        ["reason"] = d.Reason,
        ["status"] = d.Status,
        ["enhanced_eligibility_types"] = new JsonArray(),
    };

    private static JsonObject Event(StripeEvent e)
    {
        var data = new JsonObject
        {
            ["object"] = e.Snapshot is null ? Render(e.Subject) : JsonNode.Parse(e.Snapshot),
        };
        if (e.PreviousAttributes is not null)
        {
            var previous = new JsonObject();
            foreach (var (key, value) in e.PreviousAttributes)
            {
                previous[key] = value switch
                {
                    null => null,
                    JsonNode node => node.DeepClone(),
                    string s => s,
                    long l => l,
                    bool b => b,
                    _ => value.ToString(),
                };
            }
            data["previous_attributes"] = previous;
        }
        return new JsonObject
        {
            ["api_version"] = StripeData.ApiVersion,
            ["created"] = e.Created,
            ["data"] = data,
            ["id"] = e.Id,
            ["livemode"] = false,
            ["object"] = "event",
            ["pending_webhooks"] = 0,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["type"] = e.Type,
        };
    }
}
