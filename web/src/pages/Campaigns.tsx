import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import {
  ReactFlow, Background, Controls, Handle, Position, addEdge, applyEdgeChanges, applyNodeChanges,
  type Connection, type Edge, type EdgeChange, type Node, type NodeChange, type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { api, qs, type Paged } from '../api';
import { useLocale, type Key } from '../i18n';
import { useLoad } from '../hooks';
import { ErrorBox } from '../App';
import { Link, useRouter } from '../router';
import { ALL_SOURCES, SOURCE_NAMES } from './Sources';

type StepType = 'trigger' | 'audience' | 'wait' | 'channel' | 'branch';
type StepData = Record<string, unknown>;
type Step = Node<StepData, StepType>;

interface Canvas { nodes: { id: string; type: StepType; position: { x: number; y: number }; data: StepData }[]; edges: { id?: string; source: string; target: string; sourceHandle?: string | null }[] }

interface Campaign {
  id: string; workspaceId: string; name: string; description?: string | null; status: string; workflowData: Canvas;
  createdBy?: string | null; scheduledAt?: string | null; startedAt?: string | null; completedAt?: string | null; createdAt: string; updatedAt: string;
}
interface Metrics {
  campaignId: string; name: string; totalRecipients: number; sent: number; delivered: number; opened: number; clicked: number; failed: number;
  deliveryRate?: number | null; openRate?: number | null; clickRate?: number | null;
}
interface AudienceSize { total: number; withEmail: number; withPhone: number; withWhatsapp: number; withManyChat: number }
interface Execution {
  id: string; campaignId: string; executionType: string; status: string; recipients: Record<string, number>; error?: string | null;
  startedAt: string; completedAt?: string | null;
}
interface Recipient {
  id: string; customerId: string; stepId: string; channel: string; status: string; failureReason?: string | null; dueAt: string;
  sentAt?: string | null; deliveredAt?: string | null; openedAt?: string | null; clickedAt?: string | null;
}

const SEGMENTS = ['lead', 'new', 'active', 'at_risk', 'churned', 'vip'];
const RISKS = ['low', 'medium', 'high'];

function percent(lang: string, rate: number | null | undefined) {
  return rate === null || rate === undefined ? '—' : new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(rate);
}

// ---------------------------------------------------------------------------------------------------------------- list

export function CampaignsPage({ workspace }: { workspace: string }) {
  const { t, lang, number, date } = useLocale();
  const list = useLoad(async () => {
    const page = await api<Paged<Campaign>>(`/api/campaigns${qs({ workspaceId: workspace, pageSize: 50 })}`);
    // campaign_metrics per campaign: a page holds at most 50.
    const metrics = await Promise.all(page.items.map((c) => api<Metrics>(`/api/campaigns/${c.id}/metrics`).catch(() => null)));
    return page.items.map((c, i) => ({ campaign: c, metrics: metrics[i] }));
  }, [workspace]);
  return (
    <section>
      <div className="pagehead">
        <h1>{t('nav_campaigns')}</h1>
        <span className="spacer" />
        <Link to="/campaigns/new" className="button primary" data-testid="campaign-new">{t('newCampaign')}</Link>
      </div>
      <ErrorBox error={list.error} />
      <div className="card">
        <table>
          <thead>
            <tr>
              <th>{t('name')}</th><th>{t('state')}</th><th>{t('recipients')}</th><th>{t('sent')}</th><th>{t('delivered')}</th>
              <th>{t('openedCount')}</th><th>{t('clickedCount')}</th><th>{t('failed')}</th><th>{t('deliveryRate')}</th><th>{t('openRate')}</th><th>{t('clickRate')}</th><th>{t('updated')}</th>
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map(({ campaign: c, metrics: m }) => (
              <tr key={c.id} data-testid="campaign-row">
                <td><Link to={`/campaigns/${c.id}`} data-testid="campaign-link">{c.name}</Link></td>
                <td><span className={`badge campaign-${c.status}`}>{t(`campaign_${c.status}` as Key)}</span></td>
                <td>{number(m?.totalRecipients)}</td><td>{number(m?.sent)}</td><td>{number(m?.delivered)}</td>
                <td>{number(m?.opened)}</td><td>{number(m?.clicked)}</td><td>{number(m?.failed)}</td>
                <td data-testid="campaign-delivery-rate">{percent(lang, m?.deliveryRate)}</td><td>{percent(lang, m?.openRate)}</td><td>{percent(lang, m?.clickRate)}</td>
                <td>{date(c.updatedAt)}</td>
              </tr>
            ))}
            {list.data?.length === 0 && <tr><td colSpan={12} className="muted" data-testid="no-campaigns">{t('noCampaigns')}</td></tr>}
          </tbody>
        </table>
      </div>
    </section>
  );
}

// -------------------------------------------------------------------------------------------------------------- canvas

function summary(t: (k: Key) => string, type: StepType, data: StepData): string {
  switch (type) {
    case 'trigger':
      return data.kind === 'schedule' ? `${t('trigger_schedule')} ${String(data.at ?? '')}`
        : data.kind === 'event' ? `${t('trigger_event')}: ${t(`event_${String(data.event ?? 'became_client')}` as Key)}` : t('trigger_manual');
    case 'audience': {
      const d = (data.definition ?? {}) as Record<string, unknown>;
      const parts = Object.entries(d).filter(([, v]) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0))
        .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
      return parts.length ? parts.join(' · ') : t('everyone');
    }
    case 'wait':
      return [data.days ? `${data.days} d` : '', data.hours ? `${data.hours} h` : '', data.minutes ? `${data.minutes} min` : ''].filter(Boolean).join(' ') || '0';
    case 'channel':
      return data.channel === 'email' ? `${t('channel_email')}: ${String(data.subject ?? '')}`
        : data.channel === 'webhook' ? `${t('channel_webhook')}: ${String(data.url ?? '')}`
          : `${t('channel_manychat')}: ${data.flowNs ? `flow ${String(data.flowNs)}` : `tag ${String(data.tag ?? '')}`}`;
    case 'branch':
      return `${t('branchIf')} ${t(data.on === 'clicked' ? 'clicked' : 'opened')}`;
  }
}

function StepNode({ type, data, selected }: NodeProps<Step>) {
  const { t } = useLocale();
  const kind = type as StepType;
  return (
    <div className={`step step-${kind}${selected ? ' selected' : ''}`} data-testid={`node-${kind}`}>
      {kind !== 'trigger' && <Handle type="target" position={Position.Top} />}
      <strong>{t(`step_${kind}` as Key)}</strong>
      <div className="small">{summary(t, kind, data)}</div>
      {kind === 'branch'
        ? <>
            <Handle type="source" id="yes" position={Position.Bottom} style={{ left: '25%' }} />
            <Handle type="source" id="no" position={Position.Bottom} style={{ left: '75%' }} />
            <div className="row between tiny"><span>{t('yes')}</span><span>{t('no')}</span></div>
          </>
        : <Handle type="source" position={Position.Bottom} />}
    </div>
  );
}

const NODE_TYPES = { trigger: StepNode, audience: StepNode, wait: StepNode, channel: StepNode, branch: StepNode };

function starter(): Canvas {
  return {
    nodes: [
      { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'manual' } },
      { id: 'audience', type: 'audience', position: { x: 0, y: 120 }, data: { definition: { hasEmail: true } } },
      { id: 'email-1', type: 'channel', position: { x: 0, y: 240 }, data: { channel: 'email', subject: 'Olá {{first_name}}', html: '<p>Olá {{first_name}}!</p>' } },
    ],
    edges: [{ id: 'trigger-audience', source: 'trigger', target: 'audience' }, { id: 'audience-email-1', source: 'audience', target: 'email-1' }],
  };
}

const toSteps = (canvas: Canvas): Step[] => canvas.nodes.map((n) => ({ id: n.id, type: n.type, position: n.position ?? { x: 0, y: 0 }, data: n.data ?? {} }));
const toEdges = (canvas: Canvas): Edge[] => (canvas.edges ?? []).map((e) => ({
  id: e.id ?? `${e.source}-${e.sourceHandle ?? ''}-${e.target}`, source: e.source, target: e.target, sourceHandle: e.sourceHandle ?? undefined,
  label: e.sourceHandle ?? undefined,
}));

// -------------------------------------------------------------------------------------------------------------- editor

export function CampaignEditor({ workspace, id }: { workspace: string; id: string | null }) {
  const { t, lang, number, date } = useLocale();
  const { navigate } = useRouter();
  const [campaign, setCampaign] = useState<Campaign | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [nodes, setNodes] = useState<Step[]>(() => toSteps(starter()));
  const [edges, setEdges] = useState<Edge[]>(() => toEdges(starter()));
  const [selected, setSelected] = useState<string | null>('audience');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [launchSize, setLaunchSize] = useState<AudienceSize | null>(null);
  const [nudge, setNudge] = useState(0);

  useEffect(() => {
    if (!id) return;
    api<Campaign>(`/api/campaigns/${id}`).then((c) => {
      setCampaign(c);
      setName(c.name);
      setDescription(c.description ?? '');
      const canvas = c.workflowData?.nodes ? c.workflowData : starter();
      setNodes(toSteps(canvas));
      setEdges(toEdges(canvas));
    }).catch(setError);
  }, [id]);

  // The saved campaign's audience now (what a launch would reach); read again after each save.
  useEffect(() => {
    if (!id) return;
    api<{ size: AudienceSize }>(`/api/campaigns/${id}/audience-size`).then((r) => setLaunchSize(r.size)).catch(() => setLaunchSize(null));
  }, [id, campaign?.updatedAt]);

  const onNodesChange = useCallback((changes: NodeChange<Step>[]) => setNodes((ns) => applyNodeChanges(changes, ns)), []);
  const onEdgesChange = useCallback((changes: EdgeChange[]) => setEdges((es) => applyEdgeChanges(changes, es)), []);
  const onConnect = useCallback((c: Connection) => setEdges((es) => addEdge({ ...c, label: c.sourceHandle ?? undefined }, es)), []);

  const current = nodes.find((n) => n.id === selected) ?? null;
  const update = (data: StepData) => setNodes((ns) => ns.map((n) => (n.id === selected ? { ...n, data } : n)));

  const add = (type: StepType, data: StepData) => {
    const from = current ?? nodes[nodes.length - 1];
    let n = nodes.length + 1;
    while (nodes.some((x) => x.id === `${type}-${n}`)) n++;
    const newId = `${type}-${n}`;
    let handle: string | undefined;
    if (from?.type === 'branch') handle = edges.some((e) => e.source === from.id && e.sourceHandle === 'yes') ? 'no' : 'yes';
    const offset = handle === 'no' ? 220 : 0;
    setNodes((ns) => [...ns.map((x) => ({ ...x, selected: false })),
      { id: newId, type, position: { x: (from?.position.x ?? 0) + offset, y: (from?.position.y ?? 0) + 120 }, data, selected: true }]);
    if (from) setEdges((es) => [...es, { id: `${from.id}-${handle ?? ''}-${newId}`, source: from.id, target: newId, sourceHandle: handle, label: handle }]);
    setSelected(newId);
  };
  const remove = () => {
    if (!current || current.type === 'trigger') return;
    setNodes((ns) => ns.filter((n) => n.id !== current.id));
    setEdges((es) => es.filter((e) => e.source !== current.id && e.target !== current.id));
    setSelected(null);
  };

  const canvas = (): Canvas => ({
    nodes: nodes.map((n) => ({ id: n.id, type: n.type as StepType, position: n.position, data: n.data })),
    edges: edges.map((e) => ({ id: e.id, source: e.source, target: e.target, sourceHandle: e.sourceHandle ?? null })),
  });

  const save = async (e?: FormEvent): Promise<Campaign | null> => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const body = { name, description: description || null, workflowData: canvas() };
      const saved = id
        ? await api<Campaign>(`/api/campaigns/${id}`, { method: 'PUT', body })
        : await api<Campaign>(`/api/campaigns`, { method: 'POST', body });
      setCampaign(saved);
      setNotice(t('saved'));
      if (!id) navigate(`/campaigns/${saved.id}`);
      return saved;
    } catch (err) {
      setError(err);
      return null;
    } finally {
      setBusy(false);
    }
  };

  // The campaign's status moves with its executions (a manual one completes with its execution): read it as they load.
  const refreshStatus = useCallback(() => {
    if (id) api<Campaign>(`/api/campaigns/${id}`).then((c) => setCampaign((old) => (old && old.status === c.status && old.updatedAt === c.updatedAt ? old : c))).catch(() => {});
  }, [id]);

  const trigger = nodes.find((n) => n.type === 'trigger');
  const manual = (trigger?.data.kind ?? 'manual') === 'manual';
  const launch = async () => {
    const saved = await save();
    if (!saved) return;
    setBusy(true);
    try {
      if (manual) {
        const started = await api<{ executionId: string; recipients: Record<string, number> }>(`/api/campaigns/${saved.id}/executions`, { method: 'POST' });
        setNotice(`${t('launched')}: ${number(Object.values(started.recipients).reduce((a, b) => a + b, 0))} ${t('recipients').toLowerCase()}`);
      } else {
        setCampaign(await api<Campaign>(`/api/campaigns/${saved.id}/activate`, { method: 'POST' }));
        setNotice(t('activated'));
      }
      setNudge((x) => x + 1);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const pause = async () => {
    if (!id) return;
    try {
      setCampaign(await api<Campaign>(`/api/campaigns/${id}/pause`, { method: 'POST' }));
      setNudge((x) => x + 1);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section>
      <div className="pagehead">
        <Link to="/campaigns">← {t('nav_campaigns')}</Link>
        <h1>{id ? name || '…' : t('newCampaign')}</h1>
        {campaign && <span className={`badge campaign-${campaign.status}`} data-testid="campaign-status" data-status={campaign.status}>{t(`campaign_${campaign.status}` as Key)}</span>}
      </div>
      <form className="card toolbar" onSubmit={save} data-testid="campaign-form">
        <label className="grow">{t('name')}<input data-testid="campaign-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} /></label>
        <label className="grow">{t('description')}<input data-testid="campaign-description" value={description} onChange={(e) => setDescription(e.target.value)} /></label>
        <button disabled={busy} data-testid="campaign-save">{t('save')}</button>
        <button type="button" className="primary" disabled={busy || !name} onClick={() => void launch()} data-testid="campaign-launch">
          {manual ? t('launch') : t('activate')}
          {id && launchSize && manual ? ` (${number(launchSize.total)})` : ''}
        </button>
        {campaign?.status === 'active' && <button type="button" onClick={() => void pause()} data-testid="campaign-pause">{t('pause')}</button>}
      </form>
      {notice && <p className="ok" role="status" data-testid="campaign-notice">{notice}</p>}
      <ErrorBox error={error} />
      <div className="editor">
        <div className="card canvas-card">
          <div className="row gap wrap" role="toolbar" aria-label={t('addStep')}>
            <span className="muted small">{t('addStep')}:</span>
            <button type="button" onClick={() => add('wait', { days: 1 })} data-testid="add-wait">{t('step_wait')}</button>
            <button type="button" onClick={() => add('channel', { channel: 'email', subject: '', html: '' })} data-testid="add-email">{t('channel_email')}</button>
            <button type="button" onClick={() => add('channel', { channel: 'webhook', url: '' })} data-testid="add-webhook">{t('channel_webhook')}</button>
            <button type="button" onClick={() => add('channel', { channel: 'manychat', flowNs: '' })} data-testid="add-manychat">{t('channel_manychat')}</button>
            <button type="button" onClick={() => add('branch', { on: 'opened' })} data-testid="add-branch">{t('step_branch')}</button>
            <span className="spacer" />
            <button type="button" onClick={remove} disabled={!current || current.type === 'trigger'} data-testid="remove-step">{t('removeStep')}</button>
          </div>
          <div className="canvas" data-testid="canvas">
            <ReactFlow nodes={nodes} edges={edges} nodeTypes={NODE_TYPES} onNodesChange={onNodesChange} onEdgesChange={onEdgesChange}
              onConnect={onConnect} onNodeClick={(_, n) => setSelected(n.id)}
              onSelectionChange={({ nodes: chosen }) => { if (chosen.length === 1) setSelected(chosen[0].id); }} onPaneClick={() => setSelected(null)} fitView
              fitViewOptions={{ padding: 0.2, maxZoom: 1 }} proOptions={{ hideAttribution: true }}>
              <Background />
              <Controls showInteractive={false} />
            </ReactFlow>
          </div>
        </div>
        <div className="card step-panel" data-testid="step-panel">
          {current
            ? <StepForm key={current.id} workspace={workspace} step={current} onChange={update} />
            : <p className="muted">{t('selectStep')}</p>}
        </div>
      </div>
      {id && <Executions campaignId={id} nudge={nudge} lang={lang} date={date} watch={campaign?.status === 'active'} onLoaded={refreshStatus} />}
    </section>
  );
}

// ------------------------------------------------------------------------------------------------------- step settings

function StepForm({ workspace, step, onChange }: { workspace: string; step: Step; onChange: (data: StepData) => void }) {
  const { t } = useLocale();
  const d = step.data;
  const set = (key: string, value: unknown) => onChange({ ...d, [key]: value === '' ? undefined : value });
  const num = (v: string) => (v === '' ? undefined : Number(v));
  switch (step.type) {
    case 'trigger':
      return (
        <fieldset>
          <legend>{t('step_trigger')}</legend>
          <label>{t('triggerKind')}
            <select data-testid="trigger-kind" value={String(d.kind ?? 'manual')} onChange={(e) => onChange({ kind: e.target.value, ...(e.target.value === 'event' ? { event: 'became_client' } : {}) })}>
              <option value="manual">{t('trigger_manual')}</option><option value="schedule">{t('trigger_schedule')}</option><option value="event">{t('trigger_event')}</option>
            </select>
          </label>
          {d.kind === 'schedule' && (
            <label>{t('when')}<input type="datetime-local" data-testid="trigger-at" value={d.at ? toLocalInput(String(d.at)) : ''}
              onChange={(e) => set('at', e.target.value ? new Date(e.target.value).toISOString() : '')} /></label>
          )}
          {d.kind === 'event' && (
            <label>{t('event')}
              <select data-testid="trigger-event" value={String(d.event ?? 'became_client')} onChange={(e) => set('event', e.target.value)}>
                <option value="became_client">{t('event_became_client')}</option><option value="cart_abandoned">{t('event_cart_abandoned')}</option>
              </select>
            </label>
          )}
        </fieldset>
      );
    case 'audience':
      return <AudienceForm workspace={workspace} definition={(d.definition ?? {}) as Definition} onChange={(definition) => onChange({ ...d, definition })} />;
    case 'wait':
      return (
        <fieldset>
          <legend>{t('step_wait')}</legend>
          <div className="row gap">
            <label>{t('days')}<input type="number" min={0} data-testid="wait-days" value={String(d.days ?? '')} onChange={(e) => set('days', num(e.target.value))} /></label>
            <label>{t('hours')}<input type="number" min={0} value={String(d.hours ?? '')} onChange={(e) => set('hours', num(e.target.value))} /></label>
            <label>{t('minutes')}<input type="number" min={0} data-testid="wait-minutes" value={String(d.minutes ?? '')} onChange={(e) => set('minutes', num(e.target.value))} /></label>
          </div>
        </fieldset>
      );
    case 'branch':
      return (
        <fieldset>
          <legend>{t('step_branch')}</legend>
          <label>{t('branchIf')}
            <select data-testid="branch-on" value={String(d.on ?? 'opened')} onChange={(e) => set('on', e.target.value)}>
              <option value="opened">{t('opened')}</option><option value="clicked">{t('clicked')}</option>
            </select>
          </label>
          <p className="muted small">{t('branchHint')}</p>
        </fieldset>
      );
    case 'channel':
      return (
        <fieldset>
          <legend>{t('step_channel')}</legend>
          <label>{t('channel')}
            <select data-testid="channel-kind" value={String(d.channel ?? 'email')} onChange={(e) => onChange({ channel: e.target.value })}>
              <option value="email">{t('channel_email')}</option><option value="webhook">{t('channel_webhook')}</option><option value="manychat">{t('channel_manychat')}</option>
            </select>
          </label>
          {d.channel === 'email' && (
            <>
              <label>{t('subject')}<input data-testid="email-subject" value={String(d.subject ?? '')} onChange={(e) => set('subject', e.target.value)} /></label>
              <label>HTML<textarea data-testid="email-html" rows={6} value={String(d.html ?? '')} onChange={(e) => set('html', e.target.value)} /></label>
              <p className="muted small">{t('emailHint')}</p>
            </>
          )}
          {d.channel === 'webhook' && (
            <label>URL<input type="url" data-testid="webhook-url" value={String(d.url ?? '')} onChange={(e) => set('url', e.target.value)} placeholder="https://" /></label>
          )}
          {d.channel === 'manychat' && (
            <>
              <label>{t('manychatFlow')}<input data-testid="manychat-flow" value={String(d.flowNs ?? '')} onChange={(e) => set('flowNs', e.target.value)} /></label>
              <label>{t('manychatTag')}<input data-testid="manychat-tag" value={String(d.tag ?? '')} onChange={(e) => set('tag', e.target.value)} /></label>
              <p className="muted small">{t('manychatHint')}</p>
            </>
          )}
        </fieldset>
      );
  }
}

function toLocalInput(iso: string) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

interface Definition {
  segments?: string[]; churnRisk?: string[]; ltv?: { currency: string; min?: number; max?: number }; csCustomer?: boolean;
  tags?: string[]; sources?: string[]; lastPurchaseBefore?: string; lastPurchaseAfter?: string; hasEmail?: boolean; hasPhone?: boolean; hasWhatsapp?: boolean;
}

/** The audience filters, with the size the service counts for them now (POST /api/audiences/preview). */
function AudienceForm({ workspace, definition, onChange }: { workspace: string; definition: Definition; onChange: (d: Definition) => void }) {
  const { t, number } = useLocale();
  const [size, setSize] = useState<AudienceSize | null>(null);
  const [error, setError] = useState<unknown>(null);
  const key = useMemo(() => JSON.stringify(definition), [definition]);
  useEffect(() => {
    const timer = window.setTimeout(() => {
      api<AudienceSize>(`/api/audiences/preview${qs({ workspaceId: workspace })}`, { method: 'POST', body: JSON.parse(key) })
        .then((s) => { setSize(s); setError(null); }).catch((e) => { setSize(null); setError(e); });
    }, 300);
    return () => window.clearTimeout(timer);
  }, [key, workspace]);

  const put = (patch: Partial<Definition>) => {
    const next: Record<string, unknown> = { ...definition, ...patch };
    for (const k of Object.keys(next)) if (next[k] === undefined || (Array.isArray(next[k]) && (next[k] as unknown[]).length === 0)) delete next[k];
    onChange(next as Definition);
  };
  const toggle = (list: string[] | undefined, value: string) => (list?.includes(value) ? list.filter((x) => x !== value) : [...(list ?? []), value]);
  const tri = (value: boolean | undefined) => (value === undefined ? '' : value ? 'yes' : 'no');
  const fromTri = (v: string) => (v === '' ? undefined : v === 'yes');
  const list = (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean);
  const day = (iso?: string) => (iso ? iso.slice(0, 10) : '');
  return (
    <fieldset>
      <legend>{t('step_audience')}</legend>
      <div className="audience-size" data-testid="audience-size" data-total={size?.total ?? ''} aria-live="polite">
        {size ? <><strong className="big">{number(size.total)}</strong> <span className="muted">{t('people')}</span>
          <div className="muted small">{t('email')} {number(size.withEmail)} · {t('phone')} {number(size.withPhone)} · WhatsApp {number(size.withWhatsapp)} · ManyChat {number(size.withManyChat)}</div></>
          : <span className="muted">{t('loading')}</span>}
      </div>
      <ErrorBox error={error} />
      <div className="chips" role="group" aria-label={t('segment')}>
        <span className="muted small">{t('segment')}:</span>
        {SEGMENTS.map((s) => (
          <button type="button" key={s} className={`chip${definition.segments?.includes(s) ? ' on' : ''}`} aria-pressed={!!definition.segments?.includes(s)}
            data-testid={`segment-${s}`} onClick={() => put({ segments: toggle(definition.segments, s) })}>{t(`segment_${s}` as Key)}</button>
        ))}
      </div>
      <div className="chips" role="group" aria-label={t('churnRisk')}>
        <span className="muted small">{t('churnRisk')}:</span>
        {RISKS.map((r) => (
          <button type="button" key={r} className={`chip${definition.churnRisk?.includes(r) ? ' on' : ''}`} aria-pressed={!!definition.churnRisk?.includes(r)}
            data-testid={`risk-${r}`} onClick={() => put({ churnRisk: toggle(definition.churnRisk, r) })}>{t(`risk_${r}` as Key)}</button>
        ))}
      </div>
      <div className="chips" role="group" aria-label={t('source')}>
        <span className="muted small">{t('source')}:</span>
        {ALL_SOURCES.map((s) => (
          <button type="button" key={s} className={`chip${definition.sources?.includes(s) ? ' on' : ''}`} aria-pressed={!!definition.sources?.includes(s)}
            data-testid={`audience-source-${s}`} onClick={() => put({ sources: toggle(definition.sources, s) })}>{SOURCE_NAMES[s]}</button>
        ))}
      </div>
      <div className="grid3">
        {(['hasEmail', 'hasPhone', 'hasWhatsapp', 'csCustomer'] as const).map((k) => (
          <label key={k}>{t(k)}
            <select data-testid={`audience-${k}`} value={tri(definition[k])} onChange={(e) => put({ [k]: fromTri(e.target.value) })}>
              <option value="">{t('any')}</option><option value="yes">{t('yes')}</option><option value="no">{t('no')}</option>
            </select>
          </label>
        ))}
        <label>{t('tags')}<input data-testid="audience-tags" defaultValue={(definition.tags ?? []).join(', ')} onBlur={(e) => put({ tags: list(e.target.value) })} /></label>
        <label>{t('lastPurchaseAfter')}<input type="date" value={day(definition.lastPurchaseAfter)} onChange={(e) => put({ lastPurchaseAfter: e.target.value ? `${e.target.value}T00:00:00Z` : undefined })} /></label>
        <label>{t('lastPurchaseBefore')}<input type="date" value={day(definition.lastPurchaseBefore)} onChange={(e) => put({ lastPurchaseBefore: e.target.value ? `${e.target.value}T00:00:00Z` : undefined })} /></label>
      </div>
      <div className="row gap wrap">
        <label>{t('ltvCurrency')}<input size={4} maxLength={3} placeholder="BRL" value={definition.ltv?.currency ?? ''}
          onChange={(e) => put({ ltv: e.target.value ? { ...(definition.ltv ?? {}), currency: e.target.value.toUpperCase() } : undefined })} /></label>
        <label>{t('ltvMin')}<input type="number" min={0} disabled={!definition.ltv} value={definition.ltv?.min ?? ''}
          onChange={(e) => definition.ltv && put({ ltv: { ...definition.ltv, min: e.target.value === '' ? undefined : Number(e.target.value) } })} /></label>
        <label>{t('ltvMax')}<input type="number" min={0} disabled={!definition.ltv} value={definition.ltv?.max ?? ''}
          onChange={(e) => definition.ltv && put({ ltv: { ...definition.ltv, max: e.target.value === '' ? undefined : Number(e.target.value) } })} /></label>
      </div>
    </fieldset>
  );
}

// ---------------------------------------------------------------------------------------------------------- executions

function Executions({ campaignId, nudge, lang, date, watch, onLoaded }: {
  campaignId: string; nudge: number; lang: string; date: (iso: string | null | undefined) => string; watch: boolean; onLoaded: () => void;
}) {
  const { t, number } = useLocale();
  const [executions, setExecutions] = useState<Execution[]>([]);
  const [chosen, setChosen] = useState<string | null>(null);
  const [recipients, setRecipients] = useState<Paged<Recipient> | null>(null);
  const [metrics, setMetrics] = useState<Metrics | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let stopped = false;
    (async () => {
      try {
        const page = await api<Paged<Execution>>(`/api/campaigns/${campaignId}/executions?pageSize=20`);
        const execution = chosen ?? page.items[0]?.id ?? null;
        const [people, m] = await Promise.all([
          execution ? api<Paged<Recipient>>(`/api/campaigns/${campaignId}/executions/${execution}/recipients?pageSize=200`) : Promise.resolve(null),
          api<Metrics>(`/api/campaigns/${campaignId}/metrics`).catch(() => null),
        ]);
        if (stopped) return;
        setExecutions(page.items);
        setRecipients(people);
        setMetrics(m);
        setError(null);
        onLoaded();
      } catch (e) {
        if (!stopped) setError(e);
      }
    })();
    return () => { stopped = true; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [campaignId, chosen, nudge, tick]);

  // Watch while anything moves: an active campaign, a running execution or recipients still pending.
  const moving = watch || executions.some((e) => e.status === 'running') || (recipients?.items ?? []).some((r) => r.status === 'pending');
  useEffect(() => {
    if (!moving) return;
    const timer = window.setTimeout(() => setTick((x) => x + 1), 1500);
    return () => window.clearTimeout(timer);
  }, [moving, tick]);

  return (
    <div className="grid2">
      <div className="card">
        <h2>{t('metrics')}</h2>
        <div className="stats" data-testid="campaign-metrics">
          {(['totalRecipients', 'sent', 'delivered', 'opened', 'clicked', 'failed'] as const).map((k) => (
            <div key={k}><span className="muted small">{t(k === 'totalRecipients' ? 'recipients' : k === 'opened' ? 'openedCount' : k === 'clicked' ? 'clickedCount' : k)}</span><strong data-testid={`metric-${k}`}>{number(metrics?.[k])}</strong></div>
          ))}
        </div>
        <div className="stats">
          <div><span className="muted small">{t('deliveryRate')}</span><strong data-testid="metric-deliveryRate">{percent(lang, metrics?.deliveryRate)}</strong></div>
          <div><span className="muted small">{t('openRate')}</span><strong>{percent(lang, metrics?.openRate)}</strong></div>
          <div><span className="muted small">{t('clickRate')}</span><strong>{percent(lang, metrics?.clickRate)}</strong></div>
        </div>
        <h3>{t('executions')}</h3>
        <table className="mini">
          <thead><tr><th>{t('started')}</th><th>{t('kind')}</th><th>{t('state')}</th><th>{t('recipients')}</th></tr></thead>
          <tbody>
            {executions.map((e) => (
              <tr key={e.id} data-testid="execution-row" data-status={e.status} className={e.id === (chosen ?? executions[0]?.id) ? 'hl' : ''}>
                <td><button className="link" onClick={() => setChosen(e.id)}>{date(e.startedAt)}</button></td>
                <td>{t(`execution_${e.executionType}` as Key)}</td>
                <td>{t(`execution_${e.status}` as Key)}</td>
                <td>{Object.entries(e.recipients).map(([s, n]) => `${t(`recipient_${s}` as Key)} ${number(n)}`).join(' · ')}</td>
              </tr>
            ))}
            {executions.length === 0 && <tr><td colSpan={4} className="muted">{t('noExecutions')}</td></tr>}
          </tbody>
        </table>
      </div>
      <div className="card">
        <h2>{t('recipients')} {recipients ? <span className="muted small">({number(recipients.total)})</span> : null}</h2>
        <ErrorBox error={error} />
        <table className="mini" data-testid="recipients">
          <thead><tr><th>{t('client')}</th><th>{t('step')}</th><th>{t('channel')}</th><th>{t('state')}</th><th>{t('sentAt')}</th><th>{t('reason')}</th></tr></thead>
          <tbody>
            {(recipients?.items ?? []).map((r) => (
              <tr key={r.id} data-testid="recipient-row" data-status={r.status}>
                <td><Link to={`/clients/${r.customerId}`} title={r.customerId}>…{r.customerId.slice(-8)}</Link></td>
                <td>{r.stepId}</td><td>{t(`channel_${r.channel}` as Key)}</td>
                <td><span className={`badge recipient-${r.status}`}>{t(`recipient_${r.status}` as Key)}</span></td>
                <td>{date(r.sentAt)}</td><td className="small">{r.failureReason ?? ''}</td>
              </tr>
            ))}
            {recipients?.items.length === 0 && <tr><td colSpan={6} className="muted">{t('noRecipients')}</td></tr>}
          </tbody>
        </table>
      </div>
    </div>
  );
}
