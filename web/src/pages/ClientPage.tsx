import { useState } from 'react';
import { api, qs, ApiError, type Client, type CustomerSales, type Explain, type Paged, type Sale } from '../api';
import { useLocale } from '../i18n';
import { useLoad } from '../hooks';
import { ErrorBox } from '../App';
import { Link, useRouter } from '../router';

interface Customer360 { segment: string; churnRisk?: string | null; ltv?: number | null; ltvCurrency?: string | null; purchaseCount: number; lastActivityAt?: string | null; isCsCustomer: boolean }
interface Activity { id: number; type: string; title: string; source: string; status?: string | null; amount?: number | null; currency?: string | null; occurredAt: string }

export function ClientPage({ workspace, id }: { workspace: string; id: string }) {
  const { t, date, money, number } = useLocale();
  const { navigate } = useRouter();
  const client = useLoad(() => api<Client>(`/api/clients/${id}`), [id]);
  const sales = useLoad(() => api<Paged<Sale> & { totals: CustomerSales[] }>(`/api/customers/${id}/sales${qs({ pageSize: 50 })}`)
    .catch((e) => (e instanceof ApiError && e.problem.status === 404 ? null : Promise.reject(e))), [id]);
  const c360 = useLoad(() => api<Customer360>(`/api/customers/${id}/360`).catch(() => null), [id]);
  const activities = useLoad(() => api<Paged<Activity>>(`/api/customers/${id}/activities${qs({ pageSize: 30 })}`).catch(() => null), [id]);
  const [selected, setSelected] = useState<number[]>([]);
  const [explain, setExplain] = useState<Explain | null>(null);
  const [mergeId, setMergeId] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const toggle = (recordId: number) => setSelected((s) => (s.includes(recordId) ? s.filter((x) => x !== recordId) : [...s, recordId]));
  const act = async (action: () => Promise<{ summary: string; clientIds: string[] }>) => {
    setError(null);
    try {
      const result = await action();
      setMessage(result.summary);
      setSelected([]);
      void client.reload();
    } catch (e) {
      setError(e);
    }
  };
  const split = () => act(() => api(`/api/clients/${id}/split`, { method: 'POST', body: { recordIds: selected, note: 'split in the command center' } }));
  const merge = () => act(() => api(`/api/clients/${id}/merge`, { method: 'POST', body: { clientIds: [mergeId.trim()], note: 'merged in the command center' } }));
  const why = async () => {
    setError(null);
    try {
      setExplain(await api<Explain>(`/api/identity/explain${qs({ workspaceId: workspace, recordA: selected[0], recordB: selected[1] })}`));
    } catch (e) {
      setError(e);
    }
  };

  if (client.error) return <ErrorBox error={client.error} />;
  const c = client.data;
  if (!c) return <p className="muted">{t('loading')}</p>;
  return (
    <section data-testid="client-page">
      <div className="pagehead">
        <button className="link" onClick={() => navigate('/clients')}>← {t('back')}</button>
        <h1 data-testid="client-name">{c.displayName ?? c.primaryEmail ?? c.id}</h1>
        <span className="badge">{c.status}</span>
      </div>
      {c.mergedIntoId && <p><Link to={`/clients/${c.mergedIntoId}`}>→ {c.mergedIntoId}</Link></p>}
      {message && <p className="ok" role="status" data-testid="action-result">{message}</p>}
      <ErrorBox error={error} />
      <div className="grid2">
        <div className="card">
          <h2>{t('goldenRecord')}</h2>
          <table data-testid="golden">
            <thead><tr><th>{t('field')}</th><th>{t('value')}</th><th>{t('lineage')}</th></tr></thead>
            <tbody>
              {Object.entries(c.fields).map(([field, f]) => (
                <tr key={field}><td>{field}</td><td>{f.value}</td><td className="small muted">{f.source} <code>{f.externalId}</code> · {date(f.sourceUpdatedAt)}</td></tr>
              ))}
            </tbody>
          </table>
          <p className="small muted">{c.identifiers.map((i) => `${i.kind}: ${i.value}`).join(' · ')}</p>
        </div>
        <div className="card">
          <h2>{t('view360')}</h2>
          {c360.data ? (
            <dl>
              <dt>{t('segment')}</dt><dd>{c360.data.segment}{c360.data.churnRisk ? ` · ${c360.data.churnRisk}` : ''}</dd>
              <dt>LTV</dt><dd>{money(c360.data.ltv, c360.data.ltvCurrency)}</dd>
              <dt>{t('totalSales')}</dt><dd>{number(c360.data.purchaseCount)}</dd>
              <dt>{t('updated')}</dt><dd>{date(c360.data.lastActivityAt)}</dd>
            </dl>
          ) : <p className="muted">{t('none')}</p>}
        </div>
      </div>

      <div className="card">
        <h2>{t('sourceRecords')} ({c.recordCount})</h2>
        <p className="muted small">{t('selectRecords')}</p>
        <table>
          <thead><tr><th /><th>{t('source')}</th><th>{t('externalId')}</th><th>{t('kind')}</th><th>{t('updated')}</th><th>{t('lineage')}</th></tr></thead>
          <tbody>
            {c.records.map((r) => (
              <tr key={r.id} data-testid="client-record">
                <td><input type="checkbox" aria-label={`${r.source} ${r.externalId}`} data-testid={`select-record-${r.id}`} checked={selected.includes(r.id)} onChange={() => toggle(r.id)} /></td>
                <td>{r.source}</td><td><code>{r.externalId}</code></td><td>{r.entityType}</td><td>{date(r.sourceUpdatedAt)}</td>
                <td className="small muted">{r.identifiers.map((i) => `${i.kind}: ${i.value}${i.blocked ? ' ⛔' : ''}`).join(' · ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="row gap wrap">
          <button data-testid="split" disabled={selected.length === 0 || selected.length >= c.records.length} onClick={split}>{t('split')}</button>
          <button data-testid="why-together" disabled={selected.length !== 2} onClick={why}>{t('whyTogether')}</button>
          <label className="row gap">{t('mergeWith')}<input data-testid="merge-id" value={mergeId} onChange={(e) => setMergeId(e.target.value)} /></label>
          <button data-testid="merge" disabled={!mergeId.trim()} onClick={merge}>{t('merge')}</button>
        </div>
        {explain && (
          <div className="explain" data-testid="explain">
            <p><strong>{explain.summary}</strong></p>
            <ol>{explain.chain.map((s, i) => <li key={i}>{s.from.source} <code>{s.from.externalId}</code> — {s.kind}: <code>{s.value}</code> — {s.to.source} <code>{s.to.externalId}</code></li>)}</ol>
            {explain.refusals.map((r, i) => <p key={i} className="small muted">{r.kind} {r.value}: {r.rule}</p>)}
          </div>
        )}
      </div>

      <div className="card" data-testid="client-sales">
        <h2>{t('customerSales')}</h2>
        <ErrorBox error={sales.error} />
        {sales.data?.totals.length ? (
          <table>
            <thead><tr><th>{t('currency')}</th><th>{t('revenue')}</th><th>{t('totalSales')}</th><th>{t('wonDeals')}</th><th>{t('date')}</th></tr></thead>
            <tbody>
              {sales.data.totals.map((s) => (
                <tr key={s.currency} data-testid="sales-total">
                  <td>{s.currency}</td><td data-testid={`revenue-${s.currency}`}>{money(s.totalRevenue, s.currency)}</td>
                  <td>{number(s.totalSales)}</td><td>{number(s.wonDeals)}/{number(s.totalDeals)}</td>
                  <td>{date(s.firstPurchaseAt)} – {date(s.lastPurchaseAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : <p className="muted">{t('none')}</p>}
        {sales.data && sales.data.items.length > 0 && (
          <>
            <h3>{t('sales')}</h3>
            <table>
              <thead><tr><th>{t('date')}</th><th>{t('source')}</th><th>{t('product')}</th><th>{t('status')}</th><th>{t('amount')}</th></tr></thead>
              <tbody>
                {sales.data.items.map((s) => (
                  <tr key={s.id} data-testid="sale-row"><td>{date(s.occurredAt)}</td><td>{s.source} {s.kind}</td><td>{s.product ?? t('none')}</td><td>{s.status}</td><td>{money(s.netAmount ?? s.amount, s.currency)}</td></tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </div>

      <div className="card">
        <h2>{t('timeline')}</h2>
        {activities.data?.items.length ? (
          <ol className="timeline">
            {activities.data.items.map((a) => (
              <li key={a.id}><span className="muted small">{date(a.occurredAt)}</span> <strong>{a.title}</strong> <span className="small">{a.source}{a.status ? ` · ${a.status}` : ''}{a.amount != null ? ` · ${money(a.amount, a.currency)}` : ''}</span></li>
            ))}
          </ol>
        ) : <p className="muted">{t('none')}</p>}
      </div>
    </section>
  );
}
