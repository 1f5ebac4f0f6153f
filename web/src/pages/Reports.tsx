import { useState } from 'react';
import { api, qs, type Paged, type Sale } from '../api';
import { useLocale } from '../i18n';
import { useLoad } from '../hooks';
import { ErrorBox } from '../App';
import { BarChart, ColumnChart } from '../components/Charts';
import { ALL_SOURCES, SOURCE_NAMES, useSources } from './Sources';

interface Year { year: number; sales: number; customers: number; revenue: { currency: string; sales: number; revenue: number; customers: number }[] }

export function ReportsPage({ workspace }: { workspace: string }) {
  const { t, number, money, lang, timeZone } = useLocale();
  const years = useLoad(() => api<Paged<Year>>(`/api/reports/sales-per-year${qs({ workspaceId: workspace, timeZone })}`), [workspace, timeZone]);
  const currencies = [...new Set((years.data?.items ?? []).flatMap((y) => y.revenue.map((r) => r.currency)))].sort();
  const [currency, setCurrency] = useState<string>('');
  const chosen = currency || currencies[0] || '';
  const latestYear = (years.data?.items ?? []).map((y) => y.year).sort().at(-1);
  const months = useLoad(async () => {
    if (!latestYear || !chosen) return [];
    const sums = new Array(12).fill(0) as number[];
    const monthOf = new Intl.DateTimeFormat('en', { month: 'numeric', timeZone });
    for (let page = 1; page <= 10; page++) {
      const p = await api<Paged<Sale>>(`/api/sales${qs({ workspaceId: workspace, year: latestYear, currency: chosen, pageSize: 200, page })}`);
      for (const s of p.items) sums[Number(monthOf.format(new Date(s.occurredAt))) - 1] += s.netAmount ?? s.amount ?? 0;
      if (p.items.length < 200) break;
    }
    return sums;
  }, [workspace, latestYear, chosen, timeZone]);
  const sources = useSources(workspace);
  const monthName = new Intl.DateTimeFormat(lang, { month: 'short', timeZone: 'UTC' });
  return (
    <section>
      <div className="pagehead">
        <h1>{t('nav_reports')}</h1>
        {currencies.length > 1 && (
          <select aria-label={t('currency')} value={chosen} onChange={(e) => setCurrency(e.target.value)}>
            {currencies.map((c) => <option key={c}>{c}</option>)}
          </select>
        )}
      </div>
      <ErrorBox error={years.error ?? months.error} />
      <div className="grid2">
        <div className="card">
          <h2>{t('salesPerYear')} ({chosen})</h2>
          <ColumnChart testId="sales-per-year" data={(years.data?.items ?? []).slice().sort((a, b) => a.year - b.year).map((y) => ({ label: String(y.year), value: y.revenue.find((r) => r.currency === chosen)?.revenue ?? 0 }))} format={(n) => money(n, chosen)} />
        </div>
        <div className="card">
          <h2>{t('salesPerMonth')} {latestYear ?? ''} ({chosen})</h2>
          <ColumnChart testId="sales-per-month" data={(months.data ?? []).map((v, i) => ({ label: monthName.format(new Date(Date.UTC(2000, i, 1))), value: v }))} format={(n) => money(n, chosen)} />
        </div>
      </div>
      <div className="card">
        <h2>{t('recordsPerSource')}</h2>
        <BarChart testId="records-per-source" data={ALL_SOURCES.map((s) => ({ label: SOURCE_NAMES[s], value: sources.data?.find((x) => x.source === s)?.recordsStaged ?? 0 }))} format={number} />
      </div>
    </section>
  );
}
