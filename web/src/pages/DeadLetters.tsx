import { useEffect, useState } from 'react';
import { api, type DeadLetterOverview, type ReplayOutcome } from '../api';
import { useLocale } from '../i18n';
import { useLoad } from '../hooks';
import { ErrorBox } from '../App';

/**
 * Dead-lettered messages of every service (GET /api/dead-letters), refreshed every 5 s, with a replay per queue and
 * one for all of them. The queues hold every workspace's messages: only a key for every workspace sees this page.
 */
export function DeadLettersPage() {
  const { t, number } = useLocale();
  const overview = useLoad(() => api<DeadLetterOverview>('/api/dead-letters'), []);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [outcomes, setOutcomes] = useState<ReplayOutcome[]>([]);
  useEffect(() => {
    const timer = window.setInterval(() => void overview.reload(), 5000);
    return () => window.clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const replay = async (path: string) => {
    setBusy(true);
    setError(null);
    try {
      const result = await api<ReplayOutcome | ReplayOutcome[]>(path, { method: 'POST', body: {} });
      setOutcomes(Array.isArray(result) ? result : [result]);
      await overview.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const queues = overview.data?.queues ?? [];
  const total = overview.data?.totalDeadLettered ?? 0;
  return (
    <section>
      <div className="pagehead row between wrap">
        <h1>{t('deadLettersTitle')}</h1>
        <button data-testid="replay-all" disabled={busy || total === 0} onClick={() => replay('/api/dead-letters/replay')}>
          {t('replayAll')} ({number(total)})
        </button>
      </div>
      <p className="muted">{t('deadLettersHint')}</p>
      <ErrorBox error={error ?? overview.error} />
      {outcomes.length > 0 && (
        <div className="card" data-testid="replay-outcome">
          {outcomes.map((o) => (
            <div key={`${o.service}/${o.queue}`} className="small">{t('replayed')}: {o.service} · {o.queue}: {number(o.replayed)}</div>
          ))}
        </div>
      )}
      {(overview.data?.unavailable ?? []).length > 0 && (
        <div className="card" data-testid="dead-letters-unavailable">
          <strong>{t('unavailableServices')}</strong>
          <ul>{overview.data!.unavailable.map((u) => <li key={u.service}>{u.service}: {u.reason}</li>)}</ul>
        </div>
      )}
      <div className="card">
        {overview.data && total === 0 && <p className="muted" data-testid="no-dead-letters">{t('noDeadLetters')}</p>}
        <table>
          <thead><tr><th>{t('service')}</th><th>{t('queue')}</th><th>{t('deadLettered')}</th><th>{t('waiting')}</th><th>{t('consumers')}</th><th /></tr></thead>
          <tbody>
            {queues.map((q) => (
              <tr key={`${q.service}/${q.queue}`} data-testid="dead-letter-row" data-queue={q.queue} className={q.deadLettered > 0 ? 'attention' : ''}>
                <td>{q.service}</td>
                <td><code>{q.queue}</code></td>
                <td data-testid="dead-lettered">{number(q.deadLettered)}</td>
                <td>{number(q.messages)}</td>
                <td>{number(q.consumers)}</td>
                <td>
                  {q.deadLettered > 0 && (
                    <button data-testid="replay" disabled={busy}
                      onClick={() => replay(`/api/dead-letters/${encodeURIComponent(q.service)}/${encodeURIComponent(q.queue)}/replay`)}>
                      {t('replay')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
