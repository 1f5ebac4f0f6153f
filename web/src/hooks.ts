import { useCallback, useEffect, useRef, useState } from 'react';
import { api, isActive, type Paged, type Run } from './api';

/** Loads once (and again on reload()); keeps the last value while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setData(await loadRef.current());
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, []);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => { void reload(); }, deps);
  return { data, error, loading, reload, setData };
}

/**
 * The workspace's newest runs, live: server-sent events from the gateway (GET /api/live/syncs), falling back to
 * polling GET /api/syncs every 2 s when the stream cannot be opened or keeps failing.
 */
export function useLiveRuns(workspace: string) {
  const [runs, setRuns] = useState<Run[]>([]);
  const [mode, setMode] = useState<'live' | 'polling'>('live');
  const [nudge, setNudge] = useState(0);
  useEffect(() => {
    let stopped = false;
    let source: EventSource | null = null;
    let timer: number | undefined;
    let failures = 0;
    const poll = async () => {
      try {
        const page = await api<Paged<Run>>(`/api/syncs?workspaceId=${encodeURIComponent(workspace)}&pageSize=20`);
        if (!stopped) setRuns(page.items);
      } catch {
        /* the next poll tries again */
      }
      if (!stopped) timer = window.setTimeout(poll, 2000);
    };
    const startPolling = () => {
      source?.close();
      source = null;
      setMode('polling');
      void poll();
    };
    if (typeof EventSource === 'undefined') {
      startPolling();
    } else {
      source = new EventSource(`/api/live/syncs?workspaceId=${encodeURIComponent(workspace)}&pageSize=20`);
      source.addEventListener('runs', (e) => {
        failures = 0;
        setMode('live');
        setRuns((JSON.parse((e as MessageEvent).data) as Paged<Run>).items);
      });
      source.onerror = () => {
        failures += 1;
        if (failures >= 3 || source?.readyState === EventSource.CLOSED) startPolling();
      };
    }
    return () => {
      stopped = true;
      source?.close();
      window.clearTimeout(timer);
    };
  }, [workspace, nudge]);
  const anyActive = runs.some((r) => isActive(r.status));
  return { runs, mode, anyActive, restart: () => setNudge((n) => n + 1) };
}
