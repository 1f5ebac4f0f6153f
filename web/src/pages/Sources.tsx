import { useEffect, useRef, useState } from 'react';
import { api, isActive, qs, type Paged, type Run, type SourceInfo } from '../api';
import { useLocale, type Key } from '../i18n';
import { useLiveRuns, useLoad } from '../hooks';
import { ErrorBox } from '../App';

export const ALL_SOURCES = ['stripe', 'hotmart', 'ploomes', 'gohighlevel', 'paypal', 'manychat', 'sgt', 'csv'];
export const SOURCE_NAMES: Record<string, string> = {
  stripe: 'Stripe', hotmart: 'Hotmart', ploomes: 'Ploomes', gohighlevel: 'GoHighLevel', paypal: 'PayPal', manychat: 'ManyChat', sgt: 'SGT', csv: 'CSV',
};

interface SyncOptions { mode: 'full' | 'incremental'; from: string; to: string; unify: 'now' | 'deferred' }

export function useSources(workspace: string) {
  return useLoad(() => api<Paged<SourceInfo>>(`/api/sources${qs({ workspaceId: workspace, pageSize: 50 })}`).then((p) => p.items), [workspace]);
}

export function SourcesPage({ workspace }: { workspace: string }) {
  const { t } = useLocale();
  const sources = useSources(workspace);
  const live = useLiveRuns(workspace);
  const [options, setOptions] = useState<SyncOptions>({ mode: 'incremental', from: '', to: '', unify: 'now' });
  const [error, setError] = useState<unknown>(null);
  const [connecting, setConnecting] = useState<string | null>(null);

  // Tiles follow the live runs: when a run starts or finishes, the counts and states are read again.
  const signature = live.runs.map((r) => `${r.id}:${r.status}`).join(',');
  const first = useRef(true);
  useEffect(() => {
    if (first.current) { first.current = false; return; }
    void sources.reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signature]);

  const byName = new Map((sources.data ?? []).map((s) => [s.source, s]));
  const start = async (source: string) => {
    setError(null);
    try {
      await api<Run>('/api/syncs', {
        method: 'POST',
        body: {
          workspaceId: workspace, source, mode: options.mode, unify: options.unify,
          from: options.from ? new Date(options.from).toISOString() : undefined,
          to: options.to ? new Date(options.to).toISOString() : undefined,
        },
      });
      live.restart();
      void sources.reload();
    } catch (e) {
      setError(e);
    }
  };
  const cancel = async (runId: string) => {
    setError(null);
    try {
      await api(`/api/syncs/${runId}/cancel`, { method: 'POST', body: { reason: 'cancelled from the command center' } });
      live.restart();
    } catch (e) {
      setError(e);
    }
  };
  const syncable = (s?: SourceInfo) => !!s && s.reachable && s.configured !== false && s.activeRuns.length === 0;
  const syncAll = async () => {
    for (const name of ALL_SOURCES) if (syncable(byName.get(name))) await start(name);
  };

  return (
    <section>
      <div className="pagehead">
        <h1>{t('nav_sources')}</h1>
        <span className={`badge ${live.mode}`} data-testid="live-mode">{t(live.mode)}</span>
      </div>
      <form className="toolbar" onSubmit={(e) => { e.preventDefault(); void syncAll(); }}>
        <label>{t('mode')}
          <select data-testid="sync-mode" value={options.mode} onChange={(e) => setOptions({ ...options, mode: e.target.value as SyncOptions['mode'] })}>
            <option value="incremental">{t('incremental')}</option>
            <option value="full">{t('full')}</option>
          </select>
        </label>
        <label>{t('from')}<input type="date" value={options.from} onChange={(e) => setOptions({ ...options, from: e.target.value })} /></label>
        <label>{t('to')}<input type="date" value={options.to} onChange={(e) => setOptions({ ...options, to: e.target.value })} /></label>
        <label>{t('unifyWhen')}
          <select data-testid="sync-unify" value={options.unify} onChange={(e) => setOptions({ ...options, unify: e.target.value as SyncOptions['unify'] })}>
            <option value="now">{t('unifyNow')}</option>
            <option value="deferred">{t('unifyLater')}</option>
          </select>
        </label>
        <button className="primary" data-testid="sync-all">{t('syncAll')}</button>
      </form>
      <ErrorBox error={error ?? sources.error} />
      <div className="tiles">
        {ALL_SOURCES.map((name) => (
          <SourceTile key={name} name={name} info={byName.get(name)} loaded={!!sources.data}
            runs={live.runs.filter((r) => r.source === name)}
            onSync={() => start(name)} onCancel={cancel} onConnect={() => setConnecting(name)} canSync={syncable(byName.get(name))} />
        ))}
      </div>
      {connecting && <ConnectDialog source={connecting} onClose={() => setConnecting(null)} />}
    </section>
  );
}

function SourceTile({ name, info, loaded, runs, onSync, onCancel, onConnect, canSync }: {
  name: string; info?: SourceInfo; loaded: boolean; runs: Run[]; onSync: () => void; onCancel: (id: string) => void; onConnect: () => void; canSync: boolean;
}) {
  const { t, number, date } = useLocale();
  const state = !loaded ? 'loading' : !info ? 'not_deployed' : info.state;
  const active = runs.find((r) => isActive(r.status));
  const latest = active ?? runs[0];
  const watermark = info?.streams.map((s) => s.watermark).filter(Boolean).sort().at(-1) as string | undefined;
  return (
    <article className={`tile state-${state}`} data-testid={`tile-${name}`} aria-labelledby={`tile-${name}-title`}>
      <header>
        <h2 id={`tile-${name}-title`}>{SOURCE_NAMES[name]}</h2>
        <span className="badge" data-testid={`state-${name}`} data-state={state}>{state === 'loading' ? t('loading') : t(`state_${state}` as Key)}</span>
      </header>
      <dl>
        <dt>{t('recordsStaged')}</dt><dd data-testid={`staged-${name}`}>{number(info?.recordsStaged)}</dd>
        <dt>{t('waitingToUnify')}</dt><dd data-testid={`waiting-${name}`}>{number(info?.recordsWaitingForUnify)}</dd>
        <dt>{t('lastSuccess')}</dt><dd>{info?.lastSuccessfulSync ? date(info.lastSuccessfulSync.finishedAt) : t('never')}</dd>
        <dt>{t('watermark')}</dt><dd>{date(watermark)}</dd>
      </dl>
      {info?.lastError && info.state === 'failing' && (
        <p className="error small" data-testid={`error-${name}`}>{t('lastError')}: {info.lastError.error ?? info.lastError.errorCode}</p>
      )}
      {info?.problem && !info.reachable && <p className="muted small">{info.problem}</p>}
      {latest && <RunProgress run={latest} />}
      <footer className="row gap">
        {state === 'not_configured' || state === 'not_deployed'
          ? <button onClick={onConnect} data-testid={`connect-${name}`}>{t('connect')}</button>
          : <button className="primary" onClick={onSync} disabled={!canSync} data-testid={`sync-${name}`}>{t('sync')}</button>}
        {active && <button onClick={() => onCancel(active.id)} data-testid={`cancel-${name}`}>{t('cancel')}</button>}
      </footer>
    </article>
  );
}

export function RunProgress({ run }: { run: Run }) {
  const { t, number, date } = useLocale();
  return (
    <div className="progress" data-testid={`run-${run.source}`} data-status={run.status}>
      <div className="row between">
        <strong data-testid={`run-status-${run.source}`}>{t(`status_${run.status}` as Key)}</strong>
        <span className="muted small">{date(run.requestedAt)} · {run.mode}{run.unify === 'deferred' ? ` · ${t('unifyLater')}` : ''}</span>
      </div>
      {isActive(run.status) && <div className="bar"><span style={{ width: `${Math.min(100, run.progress.length ? (100 * run.progress.filter((p) => p.completed).length) / run.progress.length : 5)}%` }} /></div>}
      <table className="mini">
        <thead><tr><th>{t('stream')}</th><th>{t('pages')}</th><th>{t('records')}</th><th><abbr title={t('rateLimitWaits')}>{t('waitsShort')}</abbr></th><th><abbr title={t('retries')}>{t('retriesShort')}</abbr></th></tr></thead>
        <tbody>
          {run.progress.map((p) => (
            <tr key={p.stream}>
              <td>{p.stream}{p.completed ? ' ✓' : ''}</td>
              <td data-testid={`pages-${run.source}-${p.stream}`}>{number(p.pages)}</td>
              <td>{number(p.recordsFetched)}</td>
              <td>{number(p.rateLimitWaits)}</td>
              <td>{number(p.retries)}</td>
            </tr>
          ))}
          {run.progress.length === 0 && <tr><td colSpan={5} className="muted">{t('loading')}</td></tr>}
        </tbody>
      </table>
      {run.error && <p className="error small">{run.error}</p>}
    </div>
  );
}

/**
 * Connecting a source goes through the SDK v2 connections API (GET /api/sources/{source}/spec, PUT
 * /api/workspaces/{w}/sources/{source}). Until the gateway routes it, the dialog says so instead of pretending.
 */
function ConnectDialog({ source, onClose }: { source: string; onClose: () => void }) {
  const { t } = useLocale();
  const [spec, setSpec] = useState<unknown>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    api(`/api/sources/${source}/spec`).then(setSpec).catch(() => setFailed(true));
  }, [source]);
  return (
    <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="connect-title" data-testid="connect-dialog">
      <div className="card">
        <h2 id="connect-title">{t('connectTitle')}: {SOURCE_NAMES[source]}</h2>
        {failed || spec === undefined ? <p className="muted">{failed ? t('connectPending') : t('loading')}</p> : <pre className="small">{JSON.stringify(spec, null, 2)}</pre>}
        <button onClick={onClose} autoFocus>{t('back')}</button>
      </div>
    </div>
  );
}
