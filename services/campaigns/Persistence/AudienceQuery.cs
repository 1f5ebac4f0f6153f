using Npgsql;
using NpgsqlTypes;
using Platform.Campaigns.Domain;

namespace Platform.Campaigns.Persistence;

/// <summary>
/// Turns an <see cref="AudienceDefinition"/> into SQL over the audience copy. Segment and churn risk are rated at query
/// time from the sales totals (recency moves with the clock), with the same rule as aggregation's customer_360: the
/// ratio of days since the last sale to the client's purchase rhythm. Opted-out people are never in an audience;
/// erased people are not in the copy at all.
/// </summary>
internal static class AudienceQuery
{
    /// <summary>
    /// <c>facts</c>: one row per person of workspace <c>@w</c> who may be messaged, with segment, churn_risk, ltv
    /// (jsonb by currency), purchases, last_at. Needs the parameters of <see cref="AddRuleParameters"/>.
    /// </summary>
    private const string Facts = """
        with sales as (
            select client_id, sum(total_sales)::int as purchases, min(first_purchase_at) as first_at, max(last_purchase_at) as last_at,
                   jsonb_object_agg(currency, total_revenue) as ltv
            from audience_sales where workspace_id = @w and total_sales > 0
            group by client_id
        ), facts as (
            select m.client_id, m.email, m.phone, m.first_name, m.display_name, m.manychat_subscriber_id, m.has_whatsapp,
                   m.sources, m.tags, m.is_cs_customer, coalesce(s.purchases, 0) as purchases, s.first_at, s.last_at,
                   coalesce(s.ltv, '{}'::jsonb) as ltv,
                   case when coalesce(s.purchases, 0) = 0 then null
                        when r.ratio < @medium then 'low' when r.ratio < @high then 'medium' else 'high' end as churn_risk,
                   case when coalesce(s.purchases, 0) = 0 then 'lead'
                        when r.ratio >= @churned and r.days >= @churned_min_days then 'churned'
                        when exists (select 1 from unnest(@vip_currencies::text[], @vip_amounts::numeric[]) v(currency, amount)
                                     where (s.ltv ->> v.currency)::numeric >= v.amount) then 'vip'
                        when s.first_at >= now() - make_interval(days => @new_days) then 'new'
                        when r.ratio >= @high then 'at_risk'
                        else 'active' end as segment
            from audience_members m
            left join sales s on s.client_id = m.client_id
            cross join lateral (select greatest(extract(epoch from now() - s.last_at) / 86400.0, 0)::float8 as days) d
            cross join lateral (select d.days, d.days / greatest(
                case when s.purchases > 1 then extract(epoch from s.last_at - s.first_at) / 86400.0 / (s.purchases - 1)
                     else @default_interval end, 1)::float8 as ratio) r
            where m.workspace_id = @w and m.opted_out_at is null {client}
        )
        """;

    /// <summary>The SQL selecting the audience's people (columns of <c>facts</c>) and its parameters' setter.</summary>
    public static AudienceSql Build(string workspaceId, AudienceDefinition definition, SegmentRules rules,
        Guid? onlyClient = null, string? channelRequirement = null)
    {
        var where = new List<string>();
        var binds = new List<Action<NpgsqlParameterCollection>>
        {
            p => p.AddWithValue("w", workspaceId),
            p => AddRuleParameters(p, rules),
        };
        if (onlyClient is { } client)
        {
            binds.Add(p => p.AddWithValue("client", client));
        }
        if (definition.Segments is { Count: > 0 } segments)
        {
            where.Add("segment = any(@segments)");
            binds.Add(p => p.AddWithValue("segments", segments.ToArray()));
        }
        if (definition.ChurnRisk is { Count: > 0 } risks)
        {
            where.Add("churn_risk = any(@risks)");
            binds.Add(p => p.AddWithValue("risks", risks.ToArray()));
        }
        if (definition.Ltv is { } ltv)
        {
            where.Add("coalesce((ltv ->> @ltv_currency)::numeric, 0) between coalesce(@ltv_min, -1e18) and coalesce(@ltv_max, 1e18)");
            binds.Add(p =>
            {
                p.AddWithValue("ltv_currency", ltv.Currency.ToUpperInvariant());
                p.Add(new NpgsqlParameter("ltv_min", NpgsqlDbType.Numeric) { Value = (object?)ltv.Min ?? DBNull.Value });
                p.Add(new NpgsqlParameter("ltv_max", NpgsqlDbType.Numeric) { Value = (object?)ltv.Max ?? DBNull.Value });
            });
        }
        if (definition.CsCustomer is { } cs)
        {
            where.Add("is_cs_customer = @cs");
            binds.Add(p => p.AddWithValue("cs", cs));
        }
        if (definition.Tags is { Count: > 0 } tags)
        {
            where.Add("tags && @tags");
            binds.Add(p => p.AddWithValue("tags", tags.ToArray()));
        }
        if (definition.Sources is { Count: > 0 } sources)
        {
            where.Add("sources && @sources");
            binds.Add(p => p.AddWithValue("sources", sources.Select(s => s.ToLowerInvariant()).ToArray()));
        }
        if (definition.LastPurchaseBefore is { } before)
        {
            where.Add("last_at < @before");
            binds.Add(p => p.AddWithValue("before", before.ToUniversalTime()));
        }
        if (definition.LastPurchaseAfter is { } after)
        {
            where.Add("last_at >= @after");
            binds.Add(p => p.AddWithValue("after", after.ToUniversalTime()));
        }
        if (definition.HasEmail is { } hasEmail)
        {
            where.Add(hasEmail ? "email is not null" : "email is null");
        }
        if (definition.HasPhone is { } hasPhone)
        {
            where.Add(hasPhone ? "phone is not null" : "phone is null");
        }
        if (definition.HasWhatsapp is { } hasWhatsapp)
        {
            where.Add(hasWhatsapp ? "has_whatsapp" : "not has_whatsapp");
        }
        if (channelRequirement is not null)
        {
            where.Add(channelRequirement);
        }
        return new AudienceSql(
            Facts.Replace("{client}", onlyClient is null ? "" : "and m.client_id = @client", StringComparison.Ordinal),
            "select * from facts" + (where.Count > 0 ? " where " + string.Join(" and ", where) : ""),
            p => binds.ForEach(b => b(p)));
    }

    /// <summary>What a channel needs of a person to reach them.</summary>
    public static string? ChannelRequirement(string channel) => channel switch
    {
        "email" => "email is not null",
        "manychat" => "manychat_subscriber_id is not null",
        _ => null,
    };

    private static void AddRuleParameters(NpgsqlParameterCollection p, SegmentRules rules)
    {
        var vip = rules.VipLtv.Where(v => v.Value > 0).OrderBy(v => v.Key, StringComparer.Ordinal).ToList();
        p.AddWithValue("medium", rules.MediumRiskRatio);
        p.AddWithValue("high", rules.HighRiskRatio);
        p.AddWithValue("churned", rules.ChurnedRatio);
        p.AddWithValue("churned_min_days", (double)rules.ChurnedMinDays);
        p.AddWithValue("new_days", rules.NewCustomerDays);
        p.AddWithValue("default_interval", rules.DefaultPurchaseIntervalDays);
        p.AddWithValue("vip_currencies", vip.Select(v => v.Key.ToUpperInvariant()).ToArray());
        p.AddWithValue("vip_amounts", vip.Select(v => v.Value).ToArray());
    }
}

/// <summary>An audience as SQL: the common table expressions, the select over <c>facts</c>, and the parameters.</summary>
internal sealed record AudienceSql(string Ctes, string Select, Action<NpgsqlParameterCollection> Bind)
{
    public string Sql => Ctes + Select;

    public void Deconstruct(out string sql, out Action<NpgsqlParameterCollection> bind)
    {
        sql = Sql;
        bind = Bind;
    }
}
