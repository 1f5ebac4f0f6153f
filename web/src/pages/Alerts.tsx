import { useState } from 'react';
import { api, qs, type Paged } from '../api';
import { useLocale } from '../i18n';
import { useLoad } from '../hooks';
import { ErrorBox } from '../App';

interface Alert { id: string; source: string; kind: string; message: string; createdAt: string; acknowledgedAt?: string | null; acknowledgedBy?: string | null }

export function AlertsPage({ workspace }: { workspace: string }) {
  const { t, date } = useLocale();
  const list = useLoad(() => api<Paged<Alert>>(`/api/alerts${qs({ workspaceId: workspace, pageSize: 100 })}`), [workspace]);
  const [error, setError] = useState<unknown>(null);
  const acknowledge = async (id: string) => {
    try {
      await api(`/api/alerts/${id}/acknowledge`, { method: 'POST', body: {} });
      void list.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section>
      <div className="pagehead"><h1>{t('alerts')}</h1></div>
      <ErrorBox error={error ?? list.error} />
      <div className="stack">
        {(list.data?.items ?? []).map((a) => (
          <article key={a.id} className={`card alert ${a.acknowledgedAt ? 'acked' : ''}`} data-testid="alert">
            <header className="row between wrap">
              <strong>{a.source} · {a.kind}</strong>
              <span className="muted small">{date(a.createdAt)}</span>
            </header>
            <p>{a.message}</p>
            {a.acknowledgedAt
              ? <p className="muted small">{t('acknowledged')}: {a.acknowledgedBy} · {date(a.acknowledgedAt)}</p>
              : <button data-testid="acknowledge" onClick={() => acknowledge(a.id)}>{t('acknowledge')}</button>}
          </article>
        ))}
        {list.data && list.data.items.length === 0 && <p className="muted">{t('none')}</p>}
      </div>
    </section>
  );
}
