// Every call goes to the gateway's /api with the session cookie (HttpOnly: the app never sees it or the key).

export interface Problem {
  status: number;
  title: string;
  detail?: string;
  errors?: Record<string, string[]>;
}

export class ApiError extends Error {
  constructor(public problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

/** Called when a call answers 401: the session expired or was never there. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(handler: () => void) {
  onUnauthorized = handler;
}

export async function api<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T> {
  const response = await fetch(path, {
    method: init?.method ?? 'GET',
    credentials: 'same-origin',
    headers: init?.body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: init?.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const json = text ? safeJson(text) : undefined;
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith('/api/session')) onUnauthorized();
    const problem: Problem = json && typeof json === 'object'
      ? { status: response.status, title: json.title ?? response.statusText, detail: json.detail, errors: json.errors }
      : { status: response.status, title: response.statusText || 'Error', detail: text.slice(0, 300) };
    throw new ApiError(problem);
  }
  return json as T;
}

function safeJson(text: string) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function qs(params: Record<string, string | number | boolean | undefined | null>) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface Paged<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export interface Session {
  operator: string;
  workspaceId: string | null;
  expiresAt: string;
  role: 'admin' | 'operator' | 'viewer' | string;
  /** The key may use every workspace: cross-workspace pages (dead letters) are open to it. */
  allWorkspaces: boolean;
}

export interface DeadLetterQueue {
  service: string;
  queue: string;
  errorQueue: string;
  messages: number;
  consumers: number;
  deadLettered: number;
}

export interface DeadLetterOverview {
  totalDeadLettered: number;
  queues: DeadLetterQueue[];
  unavailable: { service: string; reason: string }[];
}

export interface ReplayOutcome {
  service: string;
  queue: string;
  replayed: number;
  remaining: number;
}

export interface StreamStatus {
  stream: string;
  watermark?: string | null;
  [key: string]: unknown;
}

export interface SourceRun {
  id: string;
  status: string;
  trigger: string;
  requestedAt: string;
  finishedAt?: string | null;
}

export interface SourceInfo {
  source: string;
  state: string;
  reachable: boolean;
  problem?: string | null;
  configured?: boolean | null;
  streams: StreamStatus[];
  recordsStaged?: number | null;
  recordsPublished?: number | null;
  recordsWaitingForUnify?: number | null;
  rawRetentionDays?: number | null;
  lastSuccessfulSync?: SourceRun | null;
  lastRun?: SourceRun | null;
  lastError?: { runId: string; errorCode?: string | null; error?: string | null; at?: string | null } | null;
  activeRuns: SourceRun[];
  nextScheduledRunAt?: string | null;
}

export interface RunStream {
  stream: string;
  recordsFetched: number;
  recordsStaged: number;
  pages: number;
  retries: number;
  rateLimitWaits: number;
  completed: boolean;
  watermark?: string | null;
}

export interface Run {
  id: string;
  workspaceId: string;
  source: string;
  streams: string[];
  mode: string;
  unify: string;
  status: string;
  trigger: string;
  requestedBy?: string | null;
  requestedAt: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  recordsFetched: number;
  recordsStaged: number;
  pages: number;
  retries: number;
  rateLimitWaits: number;
  errorCode?: string | null;
  error?: string | null;
  stuckSince?: string | null;
  progress: RunStream[];
}

export const ACTIVE = ['requested', 'running', 'cancelling'];
export const isActive = (status: string) => ACTIVE.includes(status);

export interface UnifySource {
  source: string;
  sent: boolean;
  reachable: boolean;
  problem?: string | null;
  waitingAtRequest?: number | null;
  waitingNow?: number | null;
  released?: number | null;
  publishedSinceRequest?: number | null;
}

export interface UnifyRequest {
  id: string;
  requestedAt: string;
  status: string;
  recordsWaiting?: number | null;
  sources: UnifySource[];
}

export interface ClientSummary {
  id: string;
  kind: string;
  status: string;
  displayName?: string | null;
  primaryEmail?: string | null;
  primaryPhone?: string | null;
  document?: string | null;
  recordCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface ClientRecord {
  id: number;
  source: string;
  entityType: string;
  externalId: string;
  sourceUpdatedAt: string;
  linkedAt?: string | null;
  identifiers: { kind: string; value: string; blocked: boolean }[];
  unusableIdentifiers: { kind: string; value: string; reason: string }[];
}

export interface Client extends ClientSummary {
  mergedIntoId?: string | null;
  identifiers: { kind: string; value: string }[];
  fields: Record<string, { value: string; recordId: number; source: string; externalId: string; sourceUpdatedAt: string }>;
  records: ClientRecord[];
  openConflictIds: string[];
}

export interface Conflict {
  id: string;
  clientAId: string;
  clientBId: string;
  identifierKind: string;
  identifierValue: string;
  rule: string;
  recordAId: number;
  recordBId: number;
  status: string;
  createdAt: string;
}

export interface Explain {
  together: boolean;
  summary: string;
  chain: { from: { id: number; source: string; externalId: string }; to: { id: number; source: string; externalId: string }; kind: string; value: string }[];
  refusals: { kind: string; value: string; rule: string }[];
}

export interface Sale {
  id: number;
  source: string;
  kind: string;
  status: string;
  amount?: number | null;
  netAmount?: number | null;
  currency?: string | null;
  occurredAt: string;
  product?: string | null;
  externalId: string;
}

export interface CustomerSales {
  currency: string;
  totalDeals: number;
  wonDeals: number;
  totalSales: number;
  totalRevenue: number;
  averageDealValue: number;
  firstPurchaseAt?: string | null;
  lastPurchaseAt?: string | null;
}
