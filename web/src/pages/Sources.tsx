import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, isActive, qs, type Paged, type Run, type SourceInfo } from '../api';
import { useLocale, type Key } from '../i18n';
import { useLiveRuns, useLoad } from '../hooks';
import { ErrorBox } from '../App';
import { Link } from '../router';

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

  // A connector that did not answer (down, or slow to start) is asked again every few seconds, so its tile comes back
  // without a reload.
  const anyUnreachable = (sources.data ?? []).some((s) => !s.reachable);
  useEffect(() => {
    if (!anyUnreachable) return;
    const timer = window.setInterval(() => void sources.reload(), 5000);
    return () => window.clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [anyUnreachable]);

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
      {connecting && <ConnectDialog workspace={workspace} source={connecting} onClose={(changed) => { setConnecting(null); if (changed) void sources.reload(); }} />}
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
        <dt>{t('rawRetention')}</dt><dd data-testid={`retention-${name}`}>{info?.rawRetentionDays ? t('retentionDays').replace('{days}', number(info.rawRetentionDays)) : t('retentionKept')}</dd>
      </dl>
      {info?.lastError && info.state === 'failing' && (
        <p className="error small" data-testid={`error-${name}`}>{t('lastError')}: {info.lastError.error ?? info.lastError.errorCode}</p>
      )}
      {info?.problem && !info.reachable && <p className="muted small">{info.problem}</p>}
      {latest && <RunProgress run={latest} />}
      <footer className="row gap">
        {name === 'csv'
          ? <Link to="/imports" className="button" data-testid="upload-csv">{t('uploadFile')}</Link>
          : state === 'not_configured' || state === 'not_deployed'
            ? <button onClick={onConnect} data-testid={`connect-${name}`}>{t('connect')}</button>
            : <>
                <button className="primary" onClick={onSync} disabled={!canSync} data-testid={`sync-${name}`}>{t('sync')}</button>
                <button onClick={onConnect} data-testid={`settings-${name}`}>{t('settings')}</button>
              </>}
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

interface SourceField { name: string; configKey: string; kind: 'Text' | 'Url' | 'List' | 'Pem'; secret: boolean; required: boolean; description: string }
interface SourceSpec { source: string; title: string; fields: SourceField[]; oneOf: { name: string; alternatives: string[][] }[] }
interface Connection { workspaceId: string; source: string; settings: Record<string, string>; secretsSet: string[]; origin: string; updatedAt: string }
interface CheckResult { ok: boolean; problem?: string | null; checkedAt: string }

/**
 * Connecting a source (SDK v2 connections API, owned by the sync orchestrator): a form generated from
 * GET /api/sources/{source}/spec, saved with PUT /api/workspaces/{w}/sources/{source}, then checked against the vendor
 * with POST …/check. Secrets are write-only: the form shows which are set, never their values, and an empty secret
 * input keeps the stored one.
 */
export function ConnectDialog({ workspace, source, onClose }: { workspace: string; source: string; onClose: (changed: boolean) => void }) {
  const { t, date } = useLocale();
  const [spec, setSpec] = useState<SourceSpec | null>(null);
  const [connection, setConnection] = useState<Connection | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [check, setCheck] = useState<CheckResult | 'checking' | null>(null);
  const base = `/api/workspaces/${encodeURIComponent(workspace)}/sources/${source}`;

  useEffect(() => {
    let stopped = false;
    (async () => {
      try {
        const loaded = await api<SourceSpec>(`/api/sources/${source}/spec`);
        let existing: Connection | null = null;
        try {
          existing = await api<Connection>(base);
        } catch (e) {
          if (!(e instanceof ApiError && e.problem.status === 404)) throw e;
        }
        if (stopped) return;
        setSpec(loaded);
        setConnection(existing);
        setValues(Object.fromEntries(loaded.fields.filter((f) => !f.secret).map((f) => [f.name, existing?.settings[f.name] ?? ''])));
      } catch (e) {
        if (!stopped) setError(e);
      }
    })();
    return () => { stopped = true; };
  }, [source, base]);

  const fieldErrors = error instanceof ApiError ? error.problem.errors ?? {} : {};
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!spec) return;
    setSaving(true);
    setError(null);
    setCheck(null);
    try {
      // Plain fields are sent as they stand (empty removes); a secret only when typed (empty keeps the stored one).
      const body: Record<string, string> = {};
      for (const f of spec.fields) {
        const value = (values[f.name] ?? '').trim();
        if (!f.secret || value) body[f.name] = value;
      }
      const stored = await api<Connection>(base, { method: 'PUT', body });
      setConnection(stored);
      setValues(Object.fromEntries(spec.fields.filter((f) => !f.secret).map((f) => [f.name, stored.settings[f.name] ?? ''])));
      setSaved(true);
      setCheck('checking');
      setCheck(await api<CheckResult>(`${base}/check`, { method: 'POST' }));
    } catch (err) {
      setError(err);
      setCheck(null);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="connect-title" data-testid="connect-dialog"
      onKeyDown={(e) => { if (e.key === 'Escape') onClose(saved); }}>
      <div className="card wide">
        <h2 id="connect-title">{t('connectTitle')}: {spec?.title ?? SOURCE_NAMES[source]}</h2>
        {!spec && !error && <p className="muted">{t('loading')}</p>}
        {spec && spec.fields.length === 0 && <p className="muted">{t('noSettings')}</p>}
        {spec && spec.fields.length > 0 && (
          <form onSubmit={save} data-testid="connect-form" autoComplete="off">
            {connection && <p className="muted small" data-testid="connect-existing">{t('connectedSince')} {date(connection.updatedAt)} · {connection.origin}</p>}
            {spec.fields.map((f) => {
              const isSet = connection?.secretsSet.includes(f.name);
              const id = `field-${f.name}`;
              return (
                <div className="field" key={f.name}>
                  <label htmlFor={id}>
                    <span>{f.name}{f.required && <span aria-label={t('required')} className="req"> *</span>}
                      {f.secret && <span className="badge" data-testid={`secret-${f.name}`}>{isSet ? t('secretSet') : t('secret')}</span>}</span>
                  </label>
                  {f.kind === 'Pem'
                    ? <textarea id={id} data-testid={id} rows={4} value={values[f.name] ?? ''} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })} />
                    : <input id={id} data-testid={id} type={f.secret ? 'password' : f.kind === 'Url' ? 'url' : 'text'}
                        autoComplete={f.secret ? 'new-password' : 'off'} required={f.required && !(f.secret && isSet)}
                        placeholder={f.secret && isSet ? t('secretKeep') : f.kind === 'List' ? 'a, b, c' : ''}
                        value={values[f.name] ?? ''} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })} />}
                  <span className="muted small">{f.description}</span>
                  {fieldErrors[f.name] && <span className="error small" data-testid={`field-error-${f.name}`}>{fieldErrors[f.name].join(' ')}</span>}
                </div>
              );
            })}
            {spec.oneOf.map((g) => (
              <p key={g.name} className="muted small">{t('oneOf')} ({g.name}): {g.alternatives.map((a) => a.join(' + ')).join(` ${t('or')} `)}</p>
            ))}
            <ErrorBox error={error} />
            {check === 'checking' && <p className="muted" data-testid="connect-checking">{t('checking')}</p>}
            {check && check !== 'checking' && (check.ok
              ? <p className="ok" role="status" data-testid="connect-check" data-ok="true">{t('checkOk')}</p>
              : <p className="error" role="status" data-testid="connect-check" data-ok="false">{t('checkFailed')}: {check.problem}</p>)}
            <div className="row gap">
              <button className="primary" disabled={saving} data-testid="connect-save">{connection ? t('saveAndCheck') : t('connectAndCheck')}</button>
              <button type="button" onClick={() => onClose(saved)} data-testid="connect-close">{t('close')}</button>
            </div>
          </form>
        )}
        {(!spec || spec.fields.length === 0) && (
          <>
            {!spec && <ErrorBox error={error} />}
            <button onClick={() => onClose(saved)} autoFocus data-testid="connect-close">{t('close')}</button>
          </>
        )}
      </div>
    </div>
  );
}
