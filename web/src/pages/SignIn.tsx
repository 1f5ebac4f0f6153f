import { useState, type FormEvent } from 'react';
import { api, type Session } from '../api';
import { useLocale } from '../i18n';
import { ErrorBox } from '../App';

export function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const { t } = useLocale();
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await api<Session>('/api/session', { method: 'POST', body: { apiKey: key } });
      setKey('');
      onSignedIn(session);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="narrow">
      <form className="card" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">{t('signInTitle')}</h1>
        <label>
          {t('apiKey')}
          <input data-testid="api-key" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} required autoFocus />
        </label>
        <p className="muted small">{t('apiKeyHint')}</p>
        <ErrorBox error={error} />
        <button className="primary" data-testid="sign-in" disabled={busy || !key}>{t('signIn')}</button>
      </form>
    </main>
  );
}
