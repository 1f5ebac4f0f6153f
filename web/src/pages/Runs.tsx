import { api, qs, type Paged, type Run } from '../api';
import { useLocale, type Key } from '../i18n';
import { useLoad } from '../hooks';
import { ErrorBox } from '../App';
import { BarChart } from '../components/Charts';

export const seconds = (run: Run) =>
  run.startedAt && run.finishedAt ? Math.max(0, (new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime()) / 1000) : null;

export function RunsPage({ workspace }: { workspace: string }) {
  const { t, date, number } = useLocale();
  const runs = useLoad(() => api<Paged<Run>>(`/api/syncs${qs({ workspaceId: workspace, pageSize: 100 })}`), [workspace]);
  const finished = (runs.data?.items ?? []).filter((r) => seconds(r) !== null).slice(0, 12);
  return (
    <section>
      <div className="pagehead"><h1>{t('runs')}</h1></div>
      <ErrorBox error={runs.error} />
      <div className="card">
        <h2>{t('syncDurations')}</h2>
        <BarChart testId="durations" data={finished.map((r) => ({ label: `${r.source} ${date(r.requestedAt)}`, value: seconds(r)! }))} format={(n) => `${number(Math.round(n * 10) / 10)} s`} />
      </div>
      <div className="card">
        <table>
          <thead><tr><th>{t('source')}</th><th>{t('status')}</th><th>{t('mode')}</th><th>{t('requested')}</th><th>{t('duration')}</th><th>{t('pages')}</th><th>{t('records')}</th><th>{t('by')}</th></tr></thead>
          <tbody>
            {(runs.data?.items ?? []).map((r) => (
              <tr key={r.id} data-testid="run-row">
                <td>{r.source}</td>
                <td><span className={`badge status-${r.status}`}>{t(`status_${r.status}` as Key)}</span>{r.error ? <div className="small error">{r.error}</div> : null}</td>
                <td>{r.mode}{r.unify === 'deferred' ? ` · ${t('unifyLater')}` : ''}</td>
                <td>{date(r.requestedAt)}</td>
                <td>{seconds(r) === null ? t('none') : `${number(Math.round(seconds(r)! * 10) / 10)} s`}</td>
                <td>{number(r.pages)}</td><td>{number(r.recordsFetched)}</td><td>{r.requestedBy ?? r.trigger}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
