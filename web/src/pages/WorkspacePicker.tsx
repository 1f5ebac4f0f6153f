import { useEffect, useState, type FormEvent } from 'react';
import { api, type Paged } from '../api';
import { useLocale } from '../i18n';
import { ErrorBox } from '../App';

const RECENT = 'cc.recentWorkspaces';
const ZONES = ['America/Sao_Paulo', 'America/Manaus', 'America/Fortaleza', 'America/Noronha', 'America/Rio_Branco', 'UTC', 'America/New_York', 'Europe/Lisbon'];

interface WorkspaceInfo { workspaceId?: string; id?: string; name?: string; timeZone?: string }

/**
 * After sign-in: which workspace this session works in. Workspaces come from GET /api/workspaces when the
 * gateway has it (the SDK v2 connections API), else from the ones used before on this browser, or typed in.
 */
export function WorkspacePicker({ onChoose, current }: { onChoose: (workspace: string, timeZone: string) => Promise<void>; current: string | null }) {
  const { t } = useLocale();
  const [workspace, setWorkspace] = useState(current ?? '');
  const [zone, setZone] = useState('America/Sao_Paulo');
  const [known, setKnown] = useState<WorkspaceInfo[]>([]);
  const [error, setError] = useState<unknown>(null);
  const recent: string[] = JSON.parse(localStorage.getItem(RECENT) ?? '[]');

  useEffect(() => {
    api<Paged<WorkspaceInfo> | WorkspaceInfo[]>('/api/workspaces')
      .then((r) => setKnown(Array.isArray(r) ? r : r.items))
      .catch(() => setKnown([]));
  }, []);

  const idOf = (w: WorkspaceInfo) => w.workspaceId ?? w.id ?? '';
  const pick = (id: string) => {
    setWorkspace(id);
    const info = known.find((w) => idOf(w) === id);
    const saved = localStorage.getItem(`cc.timeZone.${id}`);
    if (info?.timeZone) setZone(info.timeZone);
    else if (saved) setZone(saved);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await onChoose(workspace.trim(), zone);
      localStorage.setItem(RECENT, JSON.stringify([workspace.trim(), ...recent.filter((r) => r !== workspace.trim())].slice(0, 8)));
    } catch (err) {
      setError(err);
    }
  };
  const options = [...new Set([...known.map(idOf), ...recent])].filter(Boolean);
  return (
    <main className="narrow">
      <form className="card" onSubmit={submit}>
        <h1>{t('chooseWorkspace')}</h1>
        {options.length > 0 && (
          <div className="chips" role="list">
            {options.map((o) => (
              <button type="button" role="listitem" key={o} className={o === workspace ? 'chip on' : 'chip'} onClick={() => pick(o)}>{o}</button>
            ))}
          </div>
        )}
        <label>
          {t('workspace')}
          <input data-testid="workspace" value={workspace} onChange={(e) => pick(e.target.value)} required pattern="[A-Za-z0-9._\-]{1,64}" />
        </label>
        <label>
          {t('timeZone')}
          <select data-testid="time-zone" value={zone} onChange={(e) => setZone(e.target.value)}>
            {[...new Set([zone, ...ZONES])].map((z) => <option key={z} value={z}>{z}</option>)}
          </select>
        </label>
        <ErrorBox error={error} />
        <button className="primary" data-testid="open-workspace" disabled={!workspace.trim()}>{t('open')}</button>
      </form>
    </main>
  );
}
