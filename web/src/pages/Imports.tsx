import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, qs, type Paged, type Problem } from '../api';
import { useLocale, type Key } from '../i18n';
import { useLoad } from '../hooks';
import { ErrorBox } from '../App';

/** An import as connector-csv shows it (GET /api/imports/{id}). */
export interface FileImport {
  id: string;
  workspaceId: string;
  format: string;
  fileName: string;
  status: string;
  unify: string;
  mapping: Record<string, string>;
  columns: string[];
  encoding?: string | null;
  separator?: string | null;
  bytesTotal: number;
  bytesRead: number;
  rowsRead: number;
  rowsStaged: number;
  rowsUnchanged: number;
  rowsRejected: number;
  releasedAt?: string | null;
  error?: string | null;
  createdAt: string;
  finishedAt?: string | null;
}

interface Rejected { line: number; column?: string | null; reason: string; raw: string }

const FORMATS = ['manychat', 'gohighlevel', 'hotmart', 'generic'] as const;
/** connector-csv's generic fields (services/connector-csv/README.md). */
const GENERIC_FIELDS = ['external_id', 'email', 'phone', 'whatsapp', 'first_name', 'last_name', 'full_name', 'document', 'cnpj', 'company',
  'city', 'state', 'country', 'tags', 'amount', 'currency', 'status', 'occurred_at', 'product', 'created_at', 'updated_at'];
const FINISHED = ['completed', 'failed'];

/** The header of a CSV file, read in the browser to offer its columns for the mapping (the service detects the same). */
async function readHeader(file: File): Promise<string[]> {
  const text = await file.slice(0, 64 * 1024).text();
  const line = text.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  const separator = [';', '\t', ','].map((s) => [s, line.split(s).length] as const).sort((a, b) => b[1] - a[1])[0][0];
  const columns: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      if (quoted && line[i + 1] === '"') { current += '"'; i++; } else quoted = !quoted;
    } else if (c === separator && !quoted) {
      columns.push(current.trim());
      current = '';
    } else current += c;
  }
  columns.push(current.trim());
  return columns.filter((c) => c.length > 0);
}

/** Uploads with XMLHttpRequest: fetch cannot report upload progress. */
function upload(url: string, file: File, onProgress: (sent: number, total: number) => void): Promise<FileImport> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', 'text/csv');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let json: Record<string, unknown> | undefined;
      try { json = JSON.parse(xhr.responseText); } catch { json = undefined; }
      if (xhr.status >= 200 && xhr.status < 300 && json) resolve(json as unknown as FileImport);
      else {
        const problem: Problem = { status: xhr.status, title: String(json?.title ?? xhr.statusText ?? 'Error'), detail: json?.detail as string | undefined,
          errors: json?.errors as Record<string, string[]> | undefined };
        reject(new ApiError(problem));
      }
    };
    xhr.onerror = () => reject(new ApiError({ status: 0, title: 'Network error', detail: 'The upload was interrupted.' }));
    xhr.send(file);
  });
}

export function ImportsPage({ workspace }: { workspace: string }) {
  const { t, number, date } = useLocale();
  const [file, setFile] = useState<File | null>(null);
  const [columns, setColumns] = useState<string[]>([]);
  const [format, setFormat] = useState<(typeof FORMATS)[number]>('manychat');
  const [unify, setUnify] = useState('auto');
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [sent, setSent] = useState<{ sent: number; total: number } | null>(null);
  const [current, setCurrent] = useState<FileImport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const list = useLoad(() => api<Paged<FileImport>>(`/api/imports${qs({ workspaceId: workspace, pageSize: 20 })}`), [workspace]);

  const choose = async (chosen: File | null) => {
    setFile(chosen);
    setMapping({});
    setColumns(chosen ? await readHeader(chosen) : []);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setError(null);
    setCurrent(null);
    setSent({ sent: 0, total: file.size });
    const params: Record<string, string> = { workspaceId: workspace, format, fileName: file.name, unify };
    if (format === 'generic') for (const [field, column] of Object.entries(mapping)) if (column) params[`map.${field}`] = column;
    try {
      const received = await upload(`/api/imports${qs(params)}`, file, (s, total) => setSent({ sent: s, total }));
      setSent({ sent: file.size, total: file.size });
      setCurrent(received);
      void list.reload();
    } catch (err) {
      setError(err);
      setSent(null);
    }
  };

  return (
    <section>
      <div className="pagehead"><h1>{t('nav_imports')}</h1></div>
      <form className="card" onSubmit={submit} data-testid="import-form">
        <div className="toolbar">
          <label className="grow">{t('csvFile')}
            <input type="file" accept=".csv,text/csv,text/plain" data-testid="import-file" onChange={(e) => void choose(e.target.files?.[0] ?? null)} required />
          </label>
          <label>{t('format')}
            <select data-testid="import-format" value={format} onChange={(e) => setFormat(e.target.value as (typeof FORMATS)[number])}>
              {FORMATS.map((f) => <option key={f} value={f}>{t(`format_${f}` as Key)}</option>)}
            </select>
          </label>
          <label>{t('unifyWhen')}
            <select data-testid="import-unify" value={unify} onChange={(e) => setUnify(e.target.value)}>
              <option value="auto">{t('unifyAuto')}</option>
              <option value="now">{t('unifyNow')}</option>
              <option value="deferred">{t('unifyLater')}</option>
            </select>
          </label>
          <button className="primary" disabled={!file || (sent !== null && !current)} data-testid="import-upload">{t('upload')}</button>
        </div>
        {format === 'generic' && (
          <fieldset className="mapping" data-testid="import-mapping">
            <legend>{t('columnMapping')}</legend>
            <p className="muted small">{columns.length ? t('mappingHint') : t('mappingNeedsFile')}</p>
            <div className="mapgrid">
              {GENERIC_FIELDS.map((field) => (
                <label key={field}>{field}
                  <select data-testid={`map-${field}`} value={mapping[field] ?? ''} onChange={(e) => setMapping({ ...mapping, [field]: e.target.value })}
                    disabled={columns.length === 0}>
                    <option value="">{t('guess')}</option>
                    {columns.map((c) => <option key={c} value={c}>{c}</option>)}
                  </select>
                </label>
              ))}
            </div>
          </fieldset>
        )}
        {sent && (
          <div data-testid="upload-progress">
            <div className="row between small"><span>{t('uploading')}</span><span>{Math.round((100 * sent.sent) / Math.max(1, sent.total))}%</span></div>
            <div className="bar"><span style={{ width: `${(100 * sent.sent) / Math.max(1, sent.total)}%` }} /></div>
          </div>
        )}
      </form>
      <ErrorBox error={error ?? list.error} />
      {current && <ImportDetail key={current.id} initial={current} onChanged={() => void list.reload()} />}
      <div className="card">
        <h2>{t('recentImports')}</h2>
        <table>
          <thead><tr><th>{t('file')}</th><th>{t('format')}</th><th>{t('state')}</th><th>{t('rowsStaged')}</th><th>{t('rowsRejected')}</th><th>{t('updated')}</th></tr></thead>
          <tbody>
            {(list.data?.items ?? []).map((i) => (
              <tr key={i.id} data-testid="import-row">
                <td><button className="link" onClick={() => setCurrent(i)}>{i.fileName}</button></td>
                <td>{i.format}</td><td>{t(`import_${i.status}` as Key)}</td><td>{number(i.rowsStaged)}</td><td>{number(i.rowsRejected)}</td>
                <td>{date(i.finishedAt ?? i.createdAt)}</td>
              </tr>
            ))}
            {list.data?.items.length === 0 && <tr><td colSpan={6} className="muted">{t('noImports')}</td></tr>}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** One import: staging progress polled until it finishes, a guessed mapping to confirm, then the rejected rows. */
function ImportDetail({ initial, onChanged }: { initial: FileImport; onChanged: () => void }) {
  const { t, number } = useLocale();
  const [item, setItem] = useState(initial);
  const [rejected, setRejected] = useState<Paged<Rejected> | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (FINISHED.includes(item.status) || item.status === 'awaiting_confirmation') return;
    const timer = window.setTimeout(async () => {
      try {
        setItem(await api<FileImport>(`/api/imports/${item.id}`));
      } catch (e) {
        setError(e);
      }
    }, 700);
    return () => window.clearTimeout(timer);
  }, [item]);

  const finished = FINISHED.includes(item.status);
  useEffect(() => {
    if (!finished) return;
    onChanged();
    if (item.rowsRejected > 0) api<Paged<Rejected>>(`/api/imports/${item.id}/rejected?pageSize=200`).then(setRejected).catch(setError);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [finished, item.id]);

  const confirm = async () => {
    try {
      setItem(await api<FileImport>(`/api/imports/${item.id}/confirm`, { method: 'POST', body: { mapping: null } }));
    } catch (e) {
      setError(e);
    }
  };
  const done = item.status === 'completed' ? item.bytesTotal : item.bytesRead;
  return (
    <div className="card" data-testid="import-detail" data-status={item.status}>
      <div className="row between">
        <h2>{item.fileName}</h2>
        <span className="badge" data-testid="import-status">{t(`import_${item.status}` as Key)}</span>
      </div>
      {!finished && item.status !== 'awaiting_confirmation' && (
        <div className="bar"><span style={{ width: `${item.bytesTotal ? (100 * done) / item.bytesTotal : 5}%` }} /></div>
      )}
      {item.status === 'awaiting_confirmation' && (
        <div data-testid="import-guess">
          <p>{t('guessedMapping')}</p>
          <table className="mini"><tbody>
            {Object.entries(item.mapping).map(([field, column]) => <tr key={field}><td>{field}</td><td>← {column}</td></tr>)}
          </tbody></table>
          <button className="primary" onClick={confirm} data-testid="import-confirm">{t('confirmMapping')}</button>
        </div>
      )}
      <div className="stats">
        <div><span className="muted small">{t('rowsRead')}</span><strong data-testid="import-read">{number(item.rowsRead)}</strong></div>
        <div><span className="muted small">{t('rowsStaged')}</span><strong data-testid="import-staged">{number(item.rowsStaged)}</strong></div>
        <div><span className="muted small">{t('rowsUnchanged')}</span><strong>{number(item.rowsUnchanged)}</strong></div>
        <div><span className="muted small">{t('rowsRejected')}</span><strong data-testid="import-rejected">{number(item.rowsRejected)}</strong></div>
      </div>
      {item.error && <p className="error">{item.error}</p>}
      <ErrorBox error={error} />
      {rejected && rejected.items.length > 0 && (
        <>
          <h3>{t('rejectedRows')}</h3>
          <table data-testid="rejected-table">
            <thead><tr><th>{t('line')}</th><th>{t('column')}</th><th>{t('reason')}</th><th>{t('rowText')}</th></tr></thead>
            <tbody>
              {rejected.items.map((r) => (
                <tr key={`${r.line}-${r.column}`} data-testid="rejected-row">
                  <td data-testid="rejected-line">{r.line}</td><td>{r.column ?? t('wholeRow')}</td><td>{r.reason}</td><td><code>{r.raw}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
          {rejected.total > rejected.items.length && <p className="muted small">{rejected.items.length} / {rejected.total}</p>}
        </>
      )}
    </div>
  );
}
