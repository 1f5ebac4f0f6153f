/** A horizontal bar chart in plain SVG-free HTML: readable, accessible (a list), and fine at phone width. */
export function BarChart({ data, format, testId }: { data: { label: string; value: number; note?: string }[]; format: (n: number) => string; testId?: string }) {
  const max = Math.max(1, ...data.map((d) => d.value));
  return (
    <ul className="bars" data-testid={testId}>
      {data.map((d) => (
        <li key={d.label}>
          <span className="bar-label">{d.label}</span>
          <span className="bar-track" aria-hidden="true"><span className="bar-fill" style={{ width: `${(100 * d.value) / max}%` }} /></span>
          <span className="bar-value">{format(d.value)}{d.note ? ` ${d.note}` : ''}</span>
        </li>
      ))}
    </ul>
  );
}

/** Vertical columns, for series over time (years, months). */
export function ColumnChart({ data, format, testId }: { data: { label: string; value: number }[]; format: (n: number) => string; testId?: string }) {
  const max = Math.max(1, ...data.map((d) => d.value));
  return (
    <div className="columns" data-testid={testId} role="list">
      {data.map((d) => (
        <div key={d.label} className="column" role="listitem" title={`${d.label}: ${format(d.value)}`}>
          <span className="column-value">{format(d.value)}</span>
          <span className="column-fill" style={{ height: `${(100 * d.value) / max}%` }} />
          <span className="column-label">{d.label}</span>
        </div>
      ))}
    </div>
  );
}
