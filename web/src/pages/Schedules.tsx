import { useState, type FormEvent } from 'react';
import { api, qs, type Paged } from '../api';
import { useLocale } from '../i18n';
import { useLoad } from '../hooks';
import { ErrorBox } from '../App';
import { ALL_SOURCES, SOURCE_NAMES } from './Sources';

interface Schedule { id: string; source: string; cron: string; timeZone: string; mode: string; unify: string; enabled: boolean; nextRunAt?: string | null; lastOutcome?: string | null }
interface Draft { id?: string; source: string; cron: string; timeZone: string; mode: string; unify: string }

export function SchedulesPage({ workspace }: { workspace: string }) {
  const { t, date, timeZone } = useLocale();
  const list = useLoad(() => api<Paged<Schedule>>(`/api/schedules${qs({ workspaceId: workspace, pageSize: 100 })}`), [workspace]);
  const empty: Draft = { source: 'ploomes', cron: '0 9 * * *', timeZone, mode: 'incremental', unify: 'now' };
  const [draft, setDraft] = useState<Draft>(empty);
  const [error, setError] = useState<unknown>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const body = { workspaceId: workspace, source: draft.source, cron: draft.cron, timeZone: draft.timeZone, mode: draft.mode, unify: draft.unify };
      if (draft.id) await api(`/api/schedules/${draft.id}`, { method: 'PUT', body });
      else await api('/api/schedules', { method: 'POST', body });
      setDraft(empty);
      void list.reload();
    } catch (err) {
      setError(err);
    }
  };
  const toggle = async (s: Schedule) => {
    try {
      await api(`/api/schedules/${s.id}`, { method: 'PUT', body: { workspaceId: workspace, enabled: !s.enabled } });
      void list.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section>
      <div className="pagehead"><h1>{t('schedules')}</h1></div>
      <form className="card toolbar" onSubmit={save} data-testid="schedule-form">
        <label>{t('source')}
          <select value={draft.source} disabled={!!draft.id} onChange={(e) => setDraft({ ...draft, source: e.target.value })}>
            {ALL_SOURCES.map((s) => <option key={s} value={s}>{SOURCE_NAMES[s]}</option>)}
          </select>
        </label>
        <label>{t('cron')}<input data-testid="schedule-cron" value={draft.cron} onChange={(e) => setDraft({ ...draft, cron: e.target.value })} required /></label>
        <label>{t('timeZone')}<input value={draft.timeZone} onChange={(e) => setDraft({ ...draft, timeZone: e.target.value })} /></label>
        <label>{t('mode')}
          <select value={draft.mode} onChange={(e) => setDraft({ ...draft, mode: e.target.value })}>
            <option value="incremental">{t('incremental')}</option><option value="full">{t('full')}</option>
          </select>
        </label>
        <label>{t('unifyWhen')}
          <select value={draft.unify} onChange={(e) => setDraft({ ...draft, unify: e.target.value })}>
            <option value="now">{t('unifyNow')}</option><option value="deferred">{t('unifyLater')}</option>
          </select>
        </label>
        <button className="primary" data-testid="schedule-save">{draft.id ? t('save') : t('create')}</button>
        {draft.id && <button type="button" onClick={() => setDraft(empty)}>{t('cancel')}</button>}
      </form>
      <ErrorBox error={error ?? list.error} />
      <div className="card">
        <table>
          <thead><tr><th>{t('source')}</th><th>{t('cron')}</th><th>{t('timeZone')}</th><th>{t('mode')}</th><th>{t('nextRun')}</th><th>{t('enabled')}</th><th /></tr></thead>
          <tbody>
            {(list.data?.items ?? []).map((s) => (
              <tr key={s.id} data-testid="schedule-row">
                <td>{SOURCE_NAMES[s.source] ?? s.source}</td><td><code>{s.cron}</code></td><td>{s.timeZone}</td><td>{s.mode}{s.unify === 'deferred' ? ` · ${t('unifyLater')}` : ''}</td>
                <td>{s.enabled ? date(s.nextRunAt) : t('none')}</td><td>{s.enabled ? '✓' : '—'}</td>
                <td className="row gap">
                  <button onClick={() => setDraft({ id: s.id, source: s.source, cron: s.cron, timeZone: s.timeZone, mode: s.mode, unify: s.unify })}>{t('edit')}</button>
                  <button data-testid="schedule-toggle" onClick={() => toggle(s)}>{s.enabled ? t('pause') : t('resume')}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
