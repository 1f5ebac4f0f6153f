import { useEffect, useState } from 'react';
import { api, qs, type Paged, type ClientSummary, type Conflict, type UnifyRequest } from '../api';
import { useLocale } from '../i18n';
import { ErrorBox } from '../App';
import { ALL_SOURCES, SOURCE_NAMES, useSources } from './Sources';
import { BarChart } from '../components/Charts';
import { Link } from '../router';

/**
 * The request is finished for the operator when every source that had records waiting released and published them
 * all. The orchestrator's own status also waits for sources that did not answer (unreachable connectors had nothing
 * to release that anyone could see), which "Unify all" would never see end.
 */
function finished(request: UnifyRequest) {
  if (request.status === 'done') return true;
  if (request.status === 'sending') return false;
  return request.sources.every((s) => !s.reachable && s.waitingAtRequest == null
    || (s.waitingNow === 0 && (s.waitingAtRequest == null || (s.publishedSinceRequest ?? 0) >= s.waitingAtRequest)));
}

interface Stats { clients: number; openConflicts: number; records: number }

export function UnifyPage({ workspace }: { workspace: string }) {
  const { t, number } = useLocale();
  const sources = useSources(workspace);
  const [request, setRequest] = useState<UnifyRequest | null>(null);
  const [before, setBefore] = useState<Stats | null>(null);
  const [results, setResults] = useState<{ clients: number; merged: ClientSummary[]; conflicts: Conflict[] } | null>(null);
  const [error, setError] = useState<unknown>(null);

  const pending = (sources.data ?? []).filter((s) => (s.recordsWaitingForUnify ?? 0) > 0);
  const total = (sources.data ?? []).reduce((sum, s) => sum + (s.recordsWaitingForUnify ?? 0), 0);

  const unifyAll = async () => {
    setError(null);
    setResults(null);
    try {
      setBefore(await api<Stats>(`/api/identity/stats${qs({ workspaceId: workspace })}`));
      setRequest(await api<UnifyRequest>('/api/unify', { method: 'POST', body: { workspaceId: workspace } }));
    } catch (e) {
      setError(e);
    }
  };

  // Follows the request until every released record was published and identity resolution took them in.
  useEffect(() => {
    if (!request || finished(request)) return;
    const timer = window.setTimeout(async () => {
      try {
        setRequest(await api<UnifyRequest>(`/api/unify/${request.id}`));
        void sources.reload();
      } catch (e) {
        setError(e);
      }
    }, 1000);
    return () => window.clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [request]);

  useEffect(() => {
    if (!request || !finished(request) || !before) return;
    void sources.reload();
    const since = new Date(request.requestedAt).getTime();
    const timer = window.setTimeout(async () => {
      try {
        const after = await api<Stats>(`/api/identity/stats${qs({ workspaceId: workspace })}`);
        const merged = await api<Paged<ClientSummary>>(`/api/clients${qs({ workspaceId: workspace, status: 'merged', pageSize: 200 })}`);
        const conflicts = await api<Paged<Conflict>>(`/api/conflicts${qs({ workspaceId: workspace, status: 'all', pageSize: 200 })}`);
        setResults({
          clients: Math.max(0, after.clients - before.clients),
          merged: merged.items.filter((c) => new Date(c.updatedAt).getTime() >= since),
          conflicts: conflicts.items.filter((c) => new Date(c.createdAt).getTime() >= since),
        });
      } catch (e) {
        setError(e);
      }
    }, 1500);
    return () => window.clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [request && finished(request)]);

  const running = request !== null && !finished(request);
  return (
    <section>
      <div className="pagehead"><h1>{t('nav_unify')}</h1></div>
      <div className="card">
        <div className="row between wrap">
          <div>
            <div className="muted">{t('pendingTotal')}</div>
            <div className="big" data-testid="pending-total">{number(total)}</div>
          </div>
          <button className="primary" data-testid="unify-all" onClick={unifyAll} disabled={running || total === 0}>{t('unifyAll')}</button>
        </div>
        <h2>{t('pendingBySource')}</h2>
        {sources.data && total === 0 && <p className="muted" data-testid="nothing-pending">{t('nothingPending')}</p>}
        <BarChart data={ALL_SOURCES.map((s) => ({ label: SOURCE_NAMES[s], value: sources.data?.find((x) => x.source === s)?.recordsWaitingForUnify ?? 0 }))} format={number} />
        <table>
          <thead><tr><th>{t('source')}</th><th>{t('waitingToUnify')}</th></tr></thead>
          <tbody>
            {pending.map((s) => <tr key={s.source}><td>{SOURCE_NAMES[s.source] ?? s.source}</td><td data-testid={`pending-${s.source}`}>{number(s.recordsWaitingForUnify)}</td></tr>)}
          </tbody>
        </table>
      </div>
      <ErrorBox error={error ?? sources.error} />
      {request && (
        <div className="card" data-testid="unify-progress" data-status={finished(request) ? 'done' : 'in_progress'}>
          <h2>{t('unifyProgress')}: <span data-testid="unify-status">{finished(request) ? t('done') : t('inProgress')}</span></h2>
          <table>
            <thead><tr><th>{t('source')}</th><th>{t('waitingToUnify')}</th><th>{t('released')}</th></tr></thead>
            <tbody>
              {request.sources.filter((s) => (s.waitingAtRequest ?? 0) > 0 || !s.reachable).map((s) => (
                <tr key={s.source}>
                  <td>{SOURCE_NAMES[s.source] ?? s.source}{!s.reachable && <div className="small muted">{s.problem}</div>}</td>
                  <td>{number(s.waitingNow)}</td>
                  <td>
                    <div className="bar"><span style={{ width: `${s.waitingAtRequest ? (100 * (s.released ?? 0)) / s.waitingAtRequest : 0}%` }} /></div>
                    {number(s.released)} / {number(s.waitingAtRequest)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {results && (
        <div className="card" data-testid="unify-results">
          <h2>{t('results')}</h2>
          <div className="stats">
            <div><span className="big">{number(results.clients)}</span><span className="muted">{t('newClients')}</span></div>
            <div><span className="big">{number(results.merged.length)}</span><span className="muted">{t('merges')}</span></div>
            <div><span className="big">{number(results.conflicts.length)}</span><span className="muted">{t('conflicts')}</span></div>
          </div>
          {results.conflicts.length > 0 && <p><Link to="/review">{t('nav_review')} →</Link></p>}
        </div>
      )}
    </section>
  );
}
