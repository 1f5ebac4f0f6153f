namespace Platform.Aggregation.Persistence;

internal sealed partial class AggregationStore
{
    /// <summary>
    /// Applies refunds, disputes and payment coverage to the sales in <c>agg_settle</c>, whatever order their records
    /// arrived in. Refunded = the larger of what the sale says and what its refunds add up to; disputed = what its
    /// disputes take (or what the sale says when no dispute record arrived); both capped at the amount. A payment's
    /// status follows (chargeback, refunded, partially_refunded, paid) and its net amount is what is left. Among records
    /// of one payment (a Stripe charge, its payment intent, invoice or checkout session) only the highest ranked one that
    /// did not fail counts; the others are superseded by it.
    /// </summary>
    private static readonly string Settle = $"""
        with computed as (
            select s.id, s.kind, s.amount, s.base_status,
                least(coalesce(s.amount, 0), greatest(s.own_refunded, adj.refunds)) as refunded,
                least(coalesce(s.amount, 0), case when adj.disputes_seen then adj.disputes else s.own_disputed end) as disputed,
                cover.external_id as superseded_by
            from sales s join agg_settle t on t.id = s.id
            cross join lateral (
                select coalesce(sum(a.adjustment_amount) filter (where a.kind = 'refund'), 0) as refunds,
                       coalesce(sum(a.adjustment_amount) filter (where a.kind = 'chargeback'), 0) as disputes,
                       coalesce(bool_or(a.kind = 'chargeback'), false) as disputes_seen
                from sales a
                where a.workspace_id = s.workspace_id and a.source = s.source and a.parent_ref = s.external_id
            ) adj
            left join lateral (
                select c.external_id from (
                    select o.external_id, o.cover_rank from sales o
                    where s.payment_ref is not null and o.workspace_id = s.workspace_id and o.source = s.source
                      and o.payment_ref = s.payment_ref and o.id <> s.id and o.cover_rank > s.cover_rank and o.base_status <> 'cancelled'
                    union all
                    select o.external_id, o.cover_rank from sales o
                    where s.invoice_ref is not null and o.workspace_id = s.workspace_id and o.source = s.source
                      and o.invoice_ref = s.invoice_ref and o.id <> s.id and o.cover_rank > s.cover_rank and o.base_status <> 'cancelled'
                ) c order by c.cover_rank desc, c.external_id limit 1
            ) cover on true
        ),
        decided as (
            select c.*, {SettledStatus("c.kind", "c.base_status", "c.amount", "c.refunded", "c.disputed")} as status,
                {SettledNet("c.kind", "c.amount", "c.refunded", "c.disputed")} as net
            from computed c
        ),
        final as (
            select d.*, {Counted("d.superseded_by", "d.kind", "d.status")} as counted
            from decided d
        ),
        updated as (
            update sales s set refunded_amount = f.refunded, disputed_amount = f.disputed, net_amount = f.net, status = f.status,
                superseded_by = f.superseded_by, is_counted = f.counted, updated_at = now()
            from final f
            where s.id = f.id
              and (s.refunded_amount, s.disputed_amount, s.net_amount, s.status, s.superseded_by, s.is_counted)
                  is distinct from (f.refunded, f.disputed, f.net, f.status, f.superseded_by, f.counted)
            returning s.client_id
        )
        insert into agg_clients (client_id)
        select distinct client_id from updated where client_id is not null
        on conflict (client_id) do nothing
        """;

    /// <summary>A payment's status from what is refunded and disputed of it; any other record keeps its own.</summary>
    private static string SettledStatus(string kind, string baseStatus, string amount, string refunded, string disputed) => $"""
        case when {kind} in ('purchase', 'charge', 'invoice', 'transaction')
                  and {baseStatus} in ('paid', 'partially_refunded', 'refunded', 'chargeback') then
            case when {disputed} > 0 then 'chargeback'
                 when {amount} > 0 and {refunded} >= {amount} then 'refunded'
                 when {refunded} > 0 then 'partially_refunded'
                 else 'paid' end
             else {baseStatus} end
        """;

    /// <summary>A payment's net amount: what is left after refunds and disputes.</summary>
    private static string SettledNet(string kind, string amount, string refunded, string disputed) => $"""
        case when {kind} in ('purchase', 'charge', 'invoice', 'transaction')
             then greatest(0, {amount} - {refunded} - {disputed}) else {amount} end
        """;

    /// <summary>Whether a sale counts in the customer's numbers: a won deal or a paid payment no other record covers.</summary>
    private static string Counted(string supersededBy, string kind, string status) => $"""
        {supersededBy} is null and (
            ({kind} = 'deal' and {status} = 'won')
            or ({kind} in ('purchase', 'charge', 'invoice', 'transaction') and {status} in ('paid', 'partially_refunded')))
        """;
}
