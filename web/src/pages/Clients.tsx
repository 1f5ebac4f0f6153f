import { useState, type FormEvent } from 'react';
import { api, qs, type ClientSummary, type Paged } from '../api';
import { useLocale } from '../i18n';
import { ErrorBox } from '../App';
import { Link, useRouter } from '../router';

export function ClientsPage({ workspace }: { workspace: string }) {
  const { t, date } = useLocale();
  const { path, navigate } = useRouter();
  const initial = new URLSearchParams(path.split('?')[1] ?? '').get('q') ?? '';
  const [q, setQ] = useState(initial);
  const [result, setResult] = useState<Paged<ClientSummary> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const search = async (e?: FormEvent) => {
    e?.preventDefault();
    setError(null);
    try {
      setResult(await api<Paged<ClientSummary>>(`/api/clients${qs({ workspaceId: workspace, q: q.trim(), pageSize: 50 })}`));
      navigate(`/clients${qs({ q: q.trim() })}`);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section>
      <div className="pagehead"><h1>{t('nav_clients')}</h1></div>
      <form className="toolbar" onSubmit={search} role="search">
        <label className="grow">
          <span className="sr-only">{t('search')}</span>
          <input data-testid="client-search" type="search" placeholder={t('searchHint')} value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <button className="primary" data-testid="client-search-go">{t('search')}</button>
      </form>
      <ErrorBox error={error} />
      {result && result.items.length === 0 && <p className="muted" data-testid="no-clients">{t('noClients')}</p>}
      {result && result.items.length > 0 && (
        <div className="card">
          <table>
            <thead><tr><th>{t('name')}</th><th>{t('email')}</th><th>{t('phone')}</th><th>{t('document')}</th><th>{t('records')}</th><th>{t('updated')}</th></tr></thead>
            <tbody>
              {result.items.map((c) => (
                <tr key={c.id} data-testid="client-row">
                  <td><Link to={`/clients/${c.id}`} data-testid="client-link">{c.displayName ?? c.id}</Link></td>
                  <td>{c.primaryEmail ?? t('none')}</td><td>{c.primaryPhone ?? t('none')}</td><td>{c.document ?? t('none')}</td>
                  <td>{c.recordCount}</td><td>{date(c.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">{result.total}</p>
        </div>
      )}
    </section>
  );
}
