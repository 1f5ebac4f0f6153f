using Platform.Aggregation.Domain;

namespace Platform.Aggregation.Persistence;

internal sealed partial class AggregationStore
{
    private const string PaymentKinds = "('purchase', 'charge', 'invoice', 'transaction')";

    /// <summary>
    /// customer_sales of every client in <c>agg_clients</c>, per currency, from their sales (superseded records and
    /// investment movements left out). Rows whose totals changed, and rows that vanished (the client has no sale in that
    /// currency any more), go to the outbox as <c>CustomerSalesUpdated</c>; unchanged totals publish nothing. The batch's
    /// clients are looked up one by one (a lateral that is not flattened, an array the index is probed with): as joins,
    /// with up to about 70,000 sales in the workspace the planner preferred reading every sale and customer_sales row of the
    /// workspace for each batch (auto_explain, bench e2e 100,000 records: 15 of a statement's 29 ms in a scan of 48,552
    /// sales for 395 clients).
    /// </summary>
    private const string RecomputeCustomerSales = """
        with fresh as (
            select s.client_id, s.currency,
                (count(*) filter (where s.kind = 'deal'))::int as total_deals,
                (count(*) filter (where s.kind = 'deal' and s.status = 'won'))::int as won_deals,
                (count(*) filter (where s.is_counted))::int as total_sales,
                coalesce(sum(s.net_amount) filter (where s.is_counted), 0) as total_revenue,
                min(s.occurred_at) filter (where s.is_counted) as first_at,
                max(s.occurred_at) filter (where s.is_counted) as last_at
            from agg_clients a
            cross join lateral (
                select s.* from sales s
                where s.client_id = a.client_id and s.currency is not null and s.superseded_by is null
                  and s.kind in ('deal', 'purchase', 'charge', 'invoice', 'transaction')
                offset 0) s
            group by s.client_id, s.currency
        ),
        upserted as (
            insert into customer_sales as c (client_id, currency, workspace_id, total_deals, won_deals, total_sales, total_revenue,
                average_deal_value, first_purchase_at, last_purchase_at, updated_at)
            select client_id, currency, @w, total_deals, won_deals, total_sales, total_revenue,
                case when total_sales > 0 then round(total_revenue / total_sales, 2) else 0 end, first_at, last_at, now()
            from fresh
            on conflict (client_id, currency) do update set
                workspace_id = excluded.workspace_id, total_deals = excluded.total_deals, won_deals = excluded.won_deals,
                total_sales = excluded.total_sales, total_revenue = excluded.total_revenue,
                average_deal_value = excluded.average_deal_value, first_purchase_at = excluded.first_purchase_at,
                last_purchase_at = excluded.last_purchase_at, updated_at = now()
            where (c.total_deals, c.won_deals, c.total_sales, c.total_revenue, c.average_deal_value, c.first_purchase_at,
                   c.last_purchase_at)
                is distinct from (excluded.total_deals, excluded.won_deals, excluded.total_sales, excluded.total_revenue,
                   excluded.average_deal_value, excluded.first_purchase_at, excluded.last_purchase_at)
            returning c.*
        ),
        removed as (
            delete from customer_sales c
            where c.client_id = any(array(select client_id from agg_clients))
              and not exists (select 1 from fresh f where f.client_id = c.client_id and f.currency = c.currency)
            returning c.client_id, c.currency
        ),
        changed as (
            select client_id, currency, total_deals, won_deals, total_sales, total_revenue, average_deal_value,
                first_purchase_at, last_purchase_at
            from upserted
            union all
            select client_id, currency, 0, 0, 0, 0::numeric, 0::numeric, null::timestamptz, null::timestamptz from removed
        )
        insert into outbox (batch_id, message_type, payload, created_at)
        select @batch, 'CustomerSalesUpdated', jsonb_build_object(
            'workspaceId', @w, 'correlationId', coalesce(a.correlation_id, @correlation), 'clientId', c.client_id,
            'currency', c.currency, 'totalDeals', c.total_deals, 'wonDeals', c.won_deals, 'totalSales', c.total_sales,
            'totalRevenue', c.total_revenue, 'averageDealValue', c.average_deal_value,
            'firstPurchaseAt', c.first_purchase_at, 'lastPurchaseAt', c.last_purchase_at), now()
        from changed c join agg_clients a on a.client_id = c.client_id
        order by c.client_id, c.currency
        """;

    /// <summary>
    /// cs_customers of every client in <c>agg_clients</c>. A client qualifies with a won deal, a paid sale or a source's
    /// client mark (Ploomes client tag, SGT venda_realizada / stage Cliente); the reason and date are those of the earliest
    /// qualifying fact. The row of a touched client is rewritten when any of its values changes (tags, plan, SGT extras,
    /// company, the SGT sync time, which an SGT sync always moves), and left as it is (its <c>updated_at</c> too) otherwise:
    /// most batches touch clients whose customer-success row they do not change (bench e2e: 0.6 rows a record rewritten
    /// unchanged); a row whose reasons went away stays, <c>inactive</c>; a client with no record left (merged
    /// away, split empty) loses its row. <c>empresa</c> is the SGT company of the client's latest SGT lead; <c>notas_csm</c> is
    /// never touched here (the CS team writes it). A new row goes to the outbox as <c>CustomerBecameClient</c>, once per client.
    /// </summary>
    private const string RecomputeCsCustomers = $$"""
        with facts as (
            select a.client_id, a.correlation_id, a.sgt_synced, a.has_records, sv.won_at, sv.paid_at, rv.tagged_at, rv.sgt_updated,
                coalesce(tg.tags, '{}') as tags, pl.plan, coalesce(ex.extras, '{}'::jsonb) as extras, sg.empresa
            from agg_clients a
            cross join lateral (
                select min(s.occurred_at) filter (where s.kind = 'deal' and s.status = 'won') as won_at,
                    min(s.occurred_at) filter (where s.is_counted and s.kind in {{PaymentKinds}}) as paid_at
                from sales s where s.client_id = a.client_id
            ) sv
            cross join lateral (
                select min(r.source_updated_at) filter (where r.is_customer) as tagged_at,
                    max(r.updated_at) filter (where r.source = 'sgt') as sgt_updated
                from client_records r where r.client_id = a.client_id
            ) rv
            cross join lateral (
                select array_agg(distinct t order by t) as tags
                from client_records r cross join lateral unnest(r.tags) t where r.client_id = a.client_id
            ) tg
            left join lateral (
                select r.plan from client_records r where r.client_id = a.client_id and r.plan is not null
                order by r.plan_rank, r.source_updated_at desc, r.id desc limit 1
            ) pl on true
            cross join lateral (
                select jsonb_object_agg(e.key, e.value) as extras from (
                    select distinct on (e.key) e.key, e.value from client_records r cross join lateral jsonb_each(r.sgt_extras) e
                    where r.client_id = a.client_id and r.sgt_extras is not null
                    order by e.key, r.source_updated_at desc, r.id desc) e
            ) ex
            left join lateral (
                select lower(r.attributes->>'empresa') as empresa from client_records r
                where r.client_id = a.client_id and r.source = 'sgt' and r.attributes->>'empresa' is not null
                order by r.source_updated_at desc, r.id desc limit 1
            ) sg on true
        ),
        qualified as (
            select f.*, least(f.won_at, f.paid_at, f.tagged_at) as became_at,
                case least(f.won_at, f.paid_at, f.tagged_at)
                    when f.won_at then 'won_deal' when f.paid_at then 'paid_purchase' else 'source_tag' end as reason
            from facts f
        ),
        upserted as (
            insert into cs_customers as c (client_id, workspace_id, status, became_reason, became_at, tags, plano_atual,
                sgt_dados_extras, sgt_last_sync_at, empresa, created_at, updated_at)
            select q.client_id, @w, 'active', q.reason, q.became_at, q.tags, q.plan, q.extras,
                case when q.sgt_synced then now() else q.sgt_updated end, q.empresa, now(), now()
            from qualified q where q.became_at is not null
            on conflict (client_id) do update set
                workspace_id = excluded.workspace_id, status = 'active', became_reason = excluded.became_reason,
                became_at = excluded.became_at, tags = excluded.tags, plano_atual = excluded.plano_atual,
                sgt_dados_extras = excluded.sgt_dados_extras, empresa = coalesce(excluded.empresa, c.empresa),
                sgt_last_sync_at = case when excluded.sgt_last_sync_at is null then c.sgt_last_sync_at
                    else greatest(c.sgt_last_sync_at, excluded.sgt_last_sync_at) end,
                updated_at = now()
            where (c.workspace_id, c.status, c.became_reason, c.became_at, c.tags, c.plano_atual, c.sgt_dados_extras, c.empresa,
                   c.sgt_last_sync_at)
                is distinct from (excluded.workspace_id, 'active', excluded.became_reason, excluded.became_at, excluded.tags,
                   excluded.plano_atual, excluded.sgt_dados_extras, coalesce(excluded.empresa, c.empresa),
                   case when excluded.sgt_last_sync_at is null then c.sgt_last_sync_at
                       else greatest(c.sgt_last_sync_at, excluded.sgt_last_sync_at) end)
            returning c.client_id, (xmax = 0) as inserted, c.became_reason, c.became_at
        ),
        lapsed as (
            update cs_customers c set status = 'inactive', tags = q.tags, plano_atual = q.plan, sgt_dados_extras = q.extras,
                empresa = coalesce(q.empresa, c.empresa),
                sgt_last_sync_at = case when q.sgt_synced then now() else c.sgt_last_sync_at end, updated_at = now()
            from qualified q
            where c.client_id = q.client_id and q.became_at is null and q.has_records
              and (c.status, c.tags, c.plano_atual, c.sgt_dados_extras, c.empresa, c.sgt_last_sync_at)
                  is distinct from ('inactive', q.tags, q.plan, q.extras, coalesce(q.empresa, c.empresa),
                      case when q.sgt_synced then now() else c.sgt_last_sync_at end)
        ),
        removed as (
            delete from cs_customers c using qualified q where c.client_id = q.client_id and not q.has_records
        )
        insert into outbox (batch_id, message_type, payload, created_at)
        select @batch, 'CustomerBecameClient', jsonb_build_object(
            'workspaceId', @w, 'correlationId', coalesce(q.correlation_id, @correlation), 'clientId', u.client_id,
            'reason', u.became_reason, 'becameAt', u.became_at), now()
        from upserted u join qualified q on q.client_id = u.client_id
        where u.inserted
        order by u.client_id
        """;

    /// <summary>
    /// customer_360 of every client in <c>agg_clients</c> that still has records (the others lose theirs): purchase
    /// count, dates and rhythm across currencies (recency needs no currency), LTV in the client's main currency (most
    /// sales) and per currency, deposits and withdrawals, last activity, metadata, and the segment and churn risk they
    /// give (the rule <see cref="RateSegmentsWhere"/> applies as time passes). A row that would not change is not
    /// rewritten.
    /// </summary>
    private static readonly string RecomputeCustomer360 = $$"""
        with base as (
            select a.client_id, p.purchase_count, p.first_at, p.last_at,
                case when p.purchase_count >= 2
                     then round((extract(epoch from p.last_at - p.first_at) / 86400.0 / (p.purchase_count - 1))::numeric, 2) end as interval_days,
                cs_totals.ltv_currency, cs_totals.ltv, coalesce(cs_totals.by_currency, '{}'::jsonb) as by_currency,
                inv.currency as investment_currency, coalesce(inv.deposits, 0) as deposits, coalesce(inv.withdrawals, 0) as withdrawals,
                inv.all_currencies as investments,
                act.last_at as last_activity_at,
                cs.status as cs_status, cs.became_at as cs_became_at,
                rec.sources, rec.by_type
            from agg_clients a
            cross join lateral (
                select count(*)::int as purchase_count, min(s.occurred_at) as first_at, max(s.occurred_at) as last_at
                from sales s where s.client_id = a.client_id and s.is_counted
            ) p
            cross join lateral (
                select (array_agg(c.currency order by c.total_sales desc, c.last_purchase_at desc nulls last, c.currency))[1] as ltv_currency,
                    (array_agg(c.total_revenue order by c.total_sales desc, c.last_purchase_at desc nulls last, c.currency))[1] as ltv,
                    jsonb_object_agg(c.currency, c.total_revenue order by c.currency) as by_currency
                from customer_sales c where c.client_id = a.client_id and c.total_sales > 0
            ) cs_totals
            left join lateral (
                select (array_agg(m.currency order by m.movements desc, m.currency))[1] as currency,
                    (array_agg(m.deposits order by m.movements desc, m.currency))[1] as deposits,
                    (array_agg(m.withdrawals order by m.movements desc, m.currency))[1] as withdrawals,
                    jsonb_object_agg(m.currency, jsonb_build_object('deposits', m.deposits, 'withdrawals', m.withdrawals)) as all_currencies
                from (
                    select s.currency, count(*) as movements,
                        coalesce(sum(s.amount) filter (where s.kind = 'deposit'), 0) as deposits,
                        coalesce(sum(s.amount) filter (where s.kind = 'withdrawal'), 0) as withdrawals
                    from sales s
                    where s.client_id = a.client_id and s.kind in ('deposit', 'withdrawal') and s.status = 'paid' and s.currency is not null
                    group by s.currency
                ) m
            ) inv on true
            left join lateral (
                select max(ca.occurred_at) as last_at from customer_activities ca where ca.client_id = a.client_id
            ) act on true
            left join cs_customers cs on cs.client_id = a.client_id
            cross join lateral (
                select array_agg(distinct t.source order by t.source) as sources, jsonb_object_agg(t.source || '/' || t.entity_type, t.n) as by_type
                from (select r.source, r.entity_type, count(*) as n from client_records r where r.client_id = a.client_id
                      group by r.source, r.entity_type) t
            ) rec
            where a.has_records
        ),
        upserted as (
            insert into customer_360 as c (client_id, workspace_id, segment, churn_risk, ltv, ltv_currency, ltv_by_currency,
                purchase_count, first_purchase_at, last_purchase_at, purchase_interval_days, total_deposit, total_withdraw,
                investment_currency, last_activity_at, is_cs_customer, metadata, segment_computed_at, updated_at)
            select b.client_id, @w, {{Segment("b.purchase_count", "b.last_at", "b.interval_days", "b.by_currency", "b.first_at")}},
                {{Risk("b.purchase_count", "b.last_at", "b.interval_days")}}, b.ltv, b.ltv_currency, b.by_currency, b.purchase_count,
                b.first_at, b.last_at, b.interval_days, b.deposits, b.withdrawals, b.investment_currency, b.last_activity_at,
                b.cs_status is not null,
                jsonb_strip_nulls(jsonb_build_object(
                    'sources', to_jsonb(b.sources), 'records', b.by_type, 'csStatus', b.cs_status,
                    'csSince', b.cs_became_at, 'investmentsByCurrency', b.investments)),
                now(), now()
            from base b
            on conflict (client_id) do update set
                workspace_id = excluded.workspace_id, segment = excluded.segment, churn_risk = excluded.churn_risk,
                ltv = excluded.ltv, ltv_currency = excluded.ltv_currency,
                ltv_by_currency = excluded.ltv_by_currency, purchase_count = excluded.purchase_count,
                first_purchase_at = excluded.first_purchase_at, last_purchase_at = excluded.last_purchase_at,
                purchase_interval_days = excluded.purchase_interval_days, total_deposit = excluded.total_deposit,
                total_withdraw = excluded.total_withdraw, investment_currency = excluded.investment_currency,
                last_activity_at = excluded.last_activity_at, is_cs_customer = excluded.is_cs_customer,
                metadata = excluded.metadata, segment_computed_at = now(), updated_at = now()
            where (c.workspace_id, c.segment, c.churn_risk, c.ltv, c.ltv_currency, c.ltv_by_currency, c.purchase_count,
                   c.first_purchase_at, c.last_purchase_at, c.purchase_interval_days, c.total_deposit, c.total_withdraw,
                   c.investment_currency, c.last_activity_at, c.is_cs_customer, c.metadata)
                is distinct from (excluded.workspace_id, excluded.segment, excluded.churn_risk, excluded.ltv, excluded.ltv_currency,
                   excluded.ltv_by_currency, excluded.purchase_count, excluded.first_purchase_at, excluded.last_purchase_at,
                   excluded.purchase_interval_days, excluded.total_deposit, excluded.total_withdraw, excluded.investment_currency,
                   excluded.last_activity_at, excluded.is_cs_customer, excluded.metadata)
        )
        delete from customer_360 c using agg_clients a
        where c.client_id = a.client_id and not a.has_records
        """;

    /// <summary>
    /// Segment and churn risk from recency against the client's own rhythm: ratio = days since the last sale over the
    /// average days between its sales (<see cref="SegmentOptions.DefaultPurchaseIntervalDays"/> with a single sale).
    /// Risk: low below the medium ratio, medium below the high ratio, high after. Segment, first match: lead (no sale),
    /// churned (ratio at least the churned ratio and at least the minimum days), vip (LTV at the threshold in any of its
    /// currencies), new (first sale within the new-customer days), at_risk (high risk), active.
    /// </summary>
    private static readonly string RateSegmentsTemplate = $$"""
        update customer_360 c set segment = x.segment, churn_risk = x.risk, segment_computed_at = now()
        from (
            select c2.client_id, {{Risk("c2.purchase_count", "c2.last_purchase_at", "c2.purchase_interval_days")}} as risk,
                {{Segment("c2.purchase_count", "c2.last_purchase_at", "c2.purchase_interval_days", "c2.ltv_by_currency", "c2.first_purchase_at")}} as segment
            from customer_360 c2
            where {filter}
        ) x
        where c.client_id = x.client_id and (c.segment, c.churn_risk) is distinct from (x.segment, x.risk)
        """;

    /// <summary>Days since the last sale (never negative).</summary>
    private static string DaysSince(string lastPurchaseAt) =>
        $"greatest(extract(epoch from now() - {lastPurchaseAt}) / 86400.0, 0)::float8";

    /// <summary>Days since the last sale over the client's own rhythm (the default interval with a single sale).</summary>
    private static string Ratio(string lastPurchaseAt, string intervalDays) =>
        $"({DaysSince(lastPurchaseAt)} / greatest(coalesce({intervalDays}::float8, @default_interval), 1))";

    private static string Risk(string purchaseCount, string lastPurchaseAt, string intervalDays) => $"""
        case when {purchaseCount} = 0 then null
             when {Ratio(lastPurchaseAt, intervalDays)} < @medium then 'low'
             when {Ratio(lastPurchaseAt, intervalDays)} < @high then 'medium' else 'high' end
        """;

    private static string Segment(string purchaseCount, string lastPurchaseAt, string intervalDays, string ltvByCurrency, string firstPurchaseAt) => $"""
        case when {purchaseCount} = 0 then 'lead'
             when {Ratio(lastPurchaseAt, intervalDays)} >= @churned and {DaysSince(lastPurchaseAt)} >= @churned_min_days then 'churned'
             when exists (select 1 from unnest(@vip_currencies::text[], @vip_amounts::numeric[]) v(currency, amount)
                          where ({ltvByCurrency} ->> v.currency)::numeric >= v.amount) then 'vip'
             when {firstPurchaseAt} >= now() - make_interval(days => @new_days) then 'new'
             when {Ratio(lastPurchaseAt, intervalDays)} >= @high then 'at_risk'
             else 'active' end
        """;

    /// <summary>The segment rating of the clients <paramref name="filter"/> (SQL over <c>c2</c>, a customer_360 row) selects.</summary>
    internal static string RateSegmentsWhere(string filter) => RateSegmentsTemplate.Replace("{filter}", filter, StringComparison.Ordinal);

    /// <summary>
    /// Whether each client still has a record (a merged-away or emptied client loses its rows). A scalar subquery with a
    /// limit, not EXISTS: the planner would hash the whole table for EXISTS once it is large enough to matter.
    /// </summary>
    private const string MarkClientsWithRecords = """
        update agg_clients a set has_records = (select 1 from client_records r where r.client_id = a.client_id limit 1) is not null
        """;

    /// <summary>Recomputes every client in <c>agg_clients</c> and writes the events to the outbox under <see cref="BatchId"/>.</summary>
    public async Task RecomputeAsync(Guid correlationId, SegmentOptions segments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(segments);
        (string, object?)[] events = [("batch", BatchId), ("correlation", correlationId)];
        await using var batch = Batch(
            ("analyze agg_clients", []),
            (MarkClientsWithRecords, []),
            (RecomputeCustomerSales, events),
            (RecomputeCsCustomers, events),
            (RecomputeCustomer360, SegmentParameters(segments)));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static (string Name, object? Value)[] SegmentParameters(SegmentOptions segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var vip = segments.VipLtv.Where(v => v.Value > 0).OrderBy(v => v.Key, StringComparer.Ordinal).ToList();
        return
        [
            ("medium", segments.MediumRiskRatio),
            ("high", segments.HighRiskRatio),
            ("churned", segments.ChurnedRatio),
            ("churned_min_days", (double)segments.ChurnedMinDays),
            ("new_days", segments.NewCustomerDays),
            ("default_interval", segments.DefaultPurchaseIntervalDays),
            ("vip_currencies", vip.Select(v => v.Key.ToUpperInvariant()).ToArray()),
            ("vip_amounts", vip.Select(v => v.Value).ToArray()),
        ];
    }
}
