import { useState } from 'react';
import { api, qs, type Client, type Conflict, type Explain, type Paged } from '../api';
import { useLocale } from '../i18n';
import { useLoad } from '../hooks';
import { ErrorBox } from '../App';
import { Link } from '../router';

interface Blocked { id: number; kind: string; value: string; reason: string; detail?: string | null; blockedAt?: string | null; recordCount: number }
interface Skipped { id: number; source: string; entityType: string; externalId: string; status: string; reason?: string | null; firstSeenAt: string; unusableIdentifiers: { kind: string; value: string; reason: string }[] }

export function ReviewPage({ workspace }: { workspace: string }) {
  const { t } = useLocale();
  const [tab, setTab] = useState<'conflicts' | 'blocked' | 'skipped'>('conflicts');
  return (
    <section>
      <div className="pagehead"><h1>{t('nav_review')}</h1></div>
      <div className="tabs" role="tablist">
        <button role="tab" aria-selected={tab === 'conflicts'} data-testid="tab-conflicts" onClick={() => setTab('conflicts')}>{t('mergeConflicts')}</button>
        <button role="tab" aria-selected={tab === 'blocked'} data-testid="tab-blocked" onClick={() => setTab('blocked')}>{t('blockedValues')}</button>
        <button role="tab" aria-selected={tab === 'skipped'} data-testid="tab-skipped" onClick={() => setTab('skipped')}>{t('skippedRecords')}</button>
      </div>
      {tab === 'conflicts' && <Conflicts workspace={workspace} />}
      {tab === 'blocked' && <BlockedValues workspace={workspace} />}
      {tab === 'skipped' && <SkippedRecords workspace={workspace} />}
    </section>
  );
}

function Conflicts({ workspace }: { workspace: string }) {
  const { t } = useLocale();
  const list = useLoad(() => api<Paged<Conflict>>(`/api/conflicts${qs({ workspaceId: workspace, pageSize: 50 })}`), [workspace]);
  if (list.error) return <ErrorBox error={list.error} />;
  if (!list.data) return <p className="muted">{t('loading')}</p>;
  if (list.data.items.length === 0) return <p className="muted" data-testid="no-conflicts">{t('noConflicts')}</p>;
  return (
    <div className="stack">
      {list.data.items.map((c) => <ConflictCard key={c.id} workspace={workspace} conflict={c} onResolved={list.reload} />)}
    </div>
  );
}

function ConflictCard({ workspace, conflict, onResolved }: { workspace: string; conflict: Conflict; onResolved: () => void }) {
  const { t } = useLocale();
  const sides = useLoad(async () => {
    const [a, b, explain] = await Promise.all([
      api<Client>(`/api/clients/${conflict.clientAId}`),
      api<Client>(`/api/clients/${conflict.clientBId}`),
      api<Explain>(`/api/identity/explain${qs({ workspaceId: workspace, recordA: conflict.recordAId, recordB: conflict.recordBId })}`).catch(() => null),
    ]);
    return { a, b, explain };
  }, [conflict.id]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const resolve = async (decision: 'merge' | 'keep_apart') => {
    setBusy(true);
    try {
      await api(`/api/conflicts/${conflict.id}/resolve`, { method: 'POST', body: { decision, note: 'resolved in the command center' } });
      onResolved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <article className="card conflict" data-testid="conflict" data-conflict-id={conflict.id}>
      <header className="row between wrap">
        <h2>{conflict.identifierKind}: <code>{conflict.identifierValue}</code></h2>
        <div className="row gap">
          <button className="primary" disabled={busy} data-testid="resolve-merge" onClick={() => resolve('merge')}>{t('merge')}</button>
          <button disabled={busy} data-testid="resolve-keep-apart" onClick={() => resolve('keep_apart')}>{t('keepApart')}</button>
        </div>
      </header>
      <p className="muted"><strong>{t('why')}:</strong> {conflict.rule}{sides.data?.explain ? ` — ${sides.data.explain.summary}` : ''}</p>
      <ErrorBox error={error ?? sides.error} />
      <div className="sides">
        {sides.data ? [sides.data.a, sides.data.b].map((c, i) => <ClientSide key={c.id} client={c} highlight={i === 0 ? conflict.recordAId : conflict.recordBId} />) : <p className="muted">{t('loading')}</p>}
      </div>
    </article>
  );
}

function ClientSide({ client, highlight }: { client: Client; highlight: number }) {
  const { t, date } = useLocale();
  return (
    <div className="side">
      <h3><Link to={`/clients/${client.id}`}>{client.displayName ?? client.primaryEmail ?? client.id}</Link></h3>
      <dl>
        <dt>{t('email')}</dt><dd>{client.primaryEmail ?? t('none')}</dd>
        <dt>{t('phone')}</dt><dd>{client.primaryPhone ?? t('none')}</dd>
        <dt>{t('document')}</dt><dd>{client.document ?? t('none')}</dd>
      </dl>
      <ul className="records">
        {client.records.map((r) => (
          <li key={r.id} className={r.id === highlight ? 'hl' : ''}>
            <strong>{r.source}</strong> {r.entityType} <code>{r.externalId}</code> <span className="muted small">{date(r.sourceUpdatedAt)}</span>
            <div className="small muted">{r.identifiers.map((i) => `${i.kind}: ${i.value}`).join(' · ')}</div>
          </li>
        ))}
      </ul>
    </div>
  );
}

function BlockedValues({ workspace }: { workspace: string }) {
  const { t, date, number } = useLocale();
  const list = useLoad(() => api<Paged<Blocked>>(`/api/identity/blocked-values${qs({ workspaceId: workspace, pageSize: 100 })}`), [workspace]);
  const [error, setError] = useState<unknown>(null);
  const unblock = async (id: number) => {
    try {
      await api(`/api/identity/blocked-values/${id}/unblock`, { method: 'POST', body: { note: 'unblocked in the command center' } });
      void list.reload();
    } catch (e) {
      setError(e);
    }
  };
  if (!list.data) return <ErrorBox error={list.error} />;
  if (list.data.items.length === 0) return <p className="muted" data-testid="no-blocked">{t('noBlocked')}</p>;
  return (
    <div className="card">
      <ErrorBox error={error} />
      <table>
        <thead><tr><th>{t('kind')}</th><th>{t('value')}</th><th>{t('reason')}</th><th>{t('records')}</th><th>{t('date')}</th><th /></tr></thead>
        <tbody>
          {list.data.items.map((b) => (
            <tr key={b.id} data-testid="blocked-value">
              <td>{b.kind}</td><td><code>{b.value}</code></td><td>{b.reason}{b.detail ? `: ${b.detail}` : ''}</td>
              <td>{number(b.recordCount)}</td><td>{date(b.blockedAt)}</td>
              <td><button data-testid="unblock" onClick={() => unblock(b.id)}>{t('unblock')}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SkippedRecords({ workspace }: { workspace: string }) {
  const { t, date, number } = useLocale();
  const list = useLoad(() => api<Paged<Skipped> & { byReason: Record<string, number> }>(`/api/identity/skipped-records${qs({ workspaceId: workspace, pageSize: 100 })}`), [workspace]);
  if (!list.data) return <ErrorBox error={list.error} />;
  if (list.data.items.length === 0) return <p className="muted" data-testid="no-skipped">{t('noSkipped')}</p>;
  return (
    <div className="card">
      <div className="chips">{Object.entries(list.data.byReason).map(([reason, n]) => <span key={reason} className="chip">{reason}: {number(n)}</span>)}</div>
      <table>
        <thead><tr><th>{t('source')}</th><th>{t('externalId')}</th><th>{t('status')}</th><th>{t('reason')}</th><th>{t('date')}</th></tr></thead>
        <tbody>
          {list.data.items.map((r) => (
            <tr key={r.id} data-testid="skipped-record">
              <td>{r.source} {r.entityType}</td><td><code>{r.externalId}</code></td><td>{r.status}</td>
              <td>{r.reason}{r.unusableIdentifiers.length ? ` (${r.unusableIdentifiers.map((u) => `${u.kind} "${u.value}": ${u.reason}`).join('; ')})` : ''}</td>
              <td>{date(r.firstSeenAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
