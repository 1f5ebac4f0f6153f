import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError, setUnauthorizedHandler, type Session } from './api';
import { LocaleContext, makeLocale, useLocale, type Lang, type Key } from './i18n';
import { Link, Router, useRouter } from './router';
import { SignIn } from './pages/SignIn';
import { WorkspacePicker } from './pages/WorkspacePicker';
import { SourcesPage } from './pages/Sources';
import { UnifyPage } from './pages/Unify';
import { ReviewPage } from './pages/Review';
import { ClientsPage } from './pages/Clients';
import { ClientPage } from './pages/ClientPage';
import { RunsPage } from './pages/Runs';
import { SchedulesPage } from './pages/Schedules';
import { AlertsPage } from './pages/Alerts';
import { ReportsPage } from './pages/Reports';
import { ImportsPage } from './pages/Imports';
import { DeadLettersPage } from './pages/DeadLetters';
// The campaign canvas (@xyflow/react) is loaded with its pages only.
const CampaignsPage = lazy(() => import('./pages/Campaigns').then((m) => ({ default: m.CampaignsPage })));
const CampaignEditor = lazy(() => import('./pages/Campaigns').then((m) => ({ default: m.CampaignEditor })));

const LANG_KEY = 'cc.lang';
const zoneKey = (workspace: string) => `cc.timeZone.${workspace}`;

export function App() {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'pt-BR'));
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [timeZone, setTimeZone] = useState('America/Sao_Paulo');

  useEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem(LANG_KEY, lang);
  }, [lang]);

  const load = useCallback(async () => {
    try {
      setSession(await api<Session>('/api/session'));
    } catch {
      setSession(null);
    }
  }, []);
  useEffect(() => {
    setUnauthorizedHandler(() => setSession(null));
    void load();
  }, [load]);

  useEffect(() => {
    if (session?.workspaceId) setTimeZone(localStorage.getItem(zoneKey(session.workspaceId)) ?? 'America/Sao_Paulo');
  }, [session?.workspaceId]);

  const locale = useMemo(() => makeLocale(lang, timeZone), [lang, timeZone]);

  const chooseWorkspace = async (workspaceId: string, zone: string) => {
    localStorage.setItem(zoneKey(workspaceId), zone);
    setTimeZone(zone);
    setSession(await api<Session>('/api/session/workspace', { method: 'PUT', body: { workspaceId } }));
  };
  const signOut = async () => {
    await api('/api/session', { method: 'DELETE' });
    setSession(null);
  };

  let body;
  if (session === undefined) body = <p className="muted center">{locale.t('loading')}</p>;
  else if (session === null) body = <SignIn onSignedIn={setSession} />;
  else if (!session.workspaceId) body = <WorkspacePicker onChoose={chooseWorkspace} current={null} />;
  else body = <Shell session={session} onSignOut={signOut} onChangeWorkspace={() => setSession({ ...session, workspaceId: null })} />;

  return (
    <LocaleContext.Provider value={locale}>
      <Router>
        <header className="topbar">
          <span className="brand">{locale.t('appName')}</span>
          <span className="spacer" />
          <label className="lang">
            <span className="sr-only">{locale.t('language')}</span>
            <select data-testid="language" value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
              <option value="pt-BR">Português</option>
              <option value="en">English</option>
            </select>
          </label>
        </header>
        {body}
      </Router>
    </LocaleContext.Provider>
  );
}

const NAV: { path: string; key: Key }[] = [
  { path: '/', key: 'nav_sources' },
  { path: '/unify', key: 'nav_unify' },
  { path: '/review', key: 'nav_review' },
  { path: '/clients', key: 'nav_clients' },
  { path: '/imports', key: 'nav_imports' },
  { path: '/campaigns', key: 'nav_campaigns' },
  { path: '/runs', key: 'nav_runs' },
  { path: '/schedules', key: 'nav_schedules' },
  { path: '/alerts', key: 'nav_alerts' },
  { path: '/reports', key: 'nav_reports' },
];

function Shell({ session, onSignOut, onChangeWorkspace }: { session: Session; onSignOut: () => void; onChangeWorkspace: () => void }) {
  const { path } = useRouter();
  const locale = useLocale();
  const workspace = session.workspaceId!;
  const route = path.split('?')[0];
  let page;
  if (route === '/' || route === '/sources') page = <SourcesPage workspace={workspace} />;
  else if (route === '/unify') page = <UnifyPage workspace={workspace} />;
  else if (route === '/review') page = <ReviewPage workspace={workspace} />;
  else if (route === '/clients') page = <ClientsPage workspace={workspace} />;
  else if (route.startsWith('/clients/')) page = <ClientPage workspace={workspace} id={route.slice('/clients/'.length)} />;
  else if (route === '/imports') page = <ImportsPage workspace={workspace} />;
  else if (route === '/campaigns') page = <CampaignsPage workspace={workspace} />;
  else if (route === '/campaigns/new') page = <CampaignEditor key="new" workspace={workspace} id={null} />;
  else if (route.startsWith('/campaigns/')) page = <CampaignEditor key={route} workspace={workspace} id={route.slice('/campaigns/'.length)} />;
  else if (route === '/runs') page = <RunsPage workspace={workspace} />;
  else if (route === '/schedules') page = <SchedulesPage workspace={workspace} />;
  else if (route === '/alerts') page = <AlertsPage workspace={workspace} />;
  else if (route === '/reports') page = <ReportsPage workspace={workspace} />;
  else if (route === '/dead-letters' && session.allWorkspaces) page = <DeadLettersPage />;
  else page = <p>404</p>;
  const active = (p: string) => (p === '/' ? route === '/' || route === '/sources' : route.startsWith(p));
  return (
    <div className="shell">
      <nav className="sidenav" aria-label="main">
        <div className="who">
          <div data-testid="workspace-name" className="ws">{workspace}</div>
          <div className="muted small">{session.operator} · {locale.timeZone}</div>
          <div className="row gap">
            <button className="link" onClick={onChangeWorkspace}>{locale.t('change')}</button>
            <button className="link" data-testid="sign-out" onClick={onSignOut}>{locale.t('signOut')}</button>
          </div>
        </div>
        <ul>
          {NAV.concat(session.allWorkspaces ? [{ path: '/dead-letters', key: 'nav_deadLetters' }] : []).map((n) => (
            <li key={n.path}>
              <Link to={n.path} className={active(n.path) ? 'active' : ''} data-testid={`nav-${n.path === '/' ? 'sources' : n.path.slice(1)}`}>
                {locale.t(n.key)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content"><Suspense fallback={<p className="muted">{locale.t('loading')}</p>}>{page}</Suspense></main>
    </div>
  );
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof ApiError
    ? `${error.problem.title}${error.problem.detail ? ': ' + error.problem.detail : ''}${error.problem.errors ? ' ' + Object.values(error.problem.errors).flat().join(' ') : ''}`
    : String(error);
  return <div role="alert" className="error" data-testid="error">{text}</div>;
}
