import { ReactNode } from 'react';
import { day, GraphQLError, realErrors, TransferGate } from './api';

/** A personal field: its value, or "withheld" when the answer withheld it (its path is in `withheld`). */
export function Personal({ value, path, withheld }: { value: string | null | undefined; path: (string | number)[]; withheld: Set<string> }) {
  if (withheld.has(path.join('.'))) {
    return (
      <span className="withheld" title="Withheld: no data-transfer basis in force">
        withheld
      </span>
    );
  }
  return <>{value ?? '—'}</>;
}

const DATE_KIND: Record<string, string> = {
  EXPIRES_AT: 'expired',
  TERMINATED_AT: 'terminated',
  EFFECTIVE_FROM: 'effective from',
  SIGNED_AT: 'signed',
  TYPE_VALID_UNTIL: 'type valid until',
  TYPE_VALID_FROM: 'type valid from',
  ADEQUACY_VALID_UNTIL: 'adequacy valid until',
  ADEQUACY_VALID_FROM: 'adequacy valid from',
};

/** One banner per closed transfer gate: its reason, the contract concerned, and what would open it. */
export function GateBanner({ gates }: { gates: TransferGate[] }) {
  if (!gates.length) return null;
  return (
    <>
      {gates.map((gate) => (
        <section className="banner" role="region" aria-label="Transfer gate closed" key={gate.distributorId} data-testid="gate-banner">
          <h2>Personal data withheld: the transfer gate is closed</h2>
          <p>
            <strong>Reason:</strong> {gate.message ?? gate.reason} <span className="code">({gate.reason})</span>
            {gate.since ? <> since {day(gate.since)}</> : null}
          </p>
          {gate.contract ? (
            <p>
              <strong>Contract concerned:</strong> {gate.contract.documentRef ?? gate.contract.id} ({gate.contract.type}
              {gate.contract.date ? `, ${DATE_KIND[gate.contract.dateKind ?? ''] ?? gate.contract.dateKind} ${day(gate.contract.date)}` : ''})
            </p>
          ) : null}
          <p>
            <strong>What would open it:</strong> {gate.action.message}
          </p>
        </section>
      ))}
    </>
  );
}

/** Errors of an answer that are not withheld fields, or a failed request. */
export function Problems({ errors, failure }: { errors?: GraphQLError[]; failure?: string | null }) {
  const shown = [...(failure ? [failure] : []), ...realErrors(errors ?? []).map((e) => `${e.message}${e.extensions?.code ? ` (${e.extensions.code})` : ''}`)];
  if (!shown.length) return null;
  return (
    <div className="error" role="alert">
      {shown.map((m, i) => (
        <p key={i}>{m}</p>
      ))}
    </div>
  );
}

export function Page({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1} id="page-title">
          {title}
        </h1>
        {actions}
      </div>
      {children}
    </>
  );
}

export function Loading({ loading }: { loading: boolean }) {
  return loading ? (
    <p className="loading" aria-live="polite">
      Loading…
    </p>
  ) : null;
}

export interface Bar {
  label: string;
  value: number;
  total?: number;
}

/**
 * A horizontal bar chart drawn as SVG (no chart library: a few bars do not need one). With
 * `total`, each bar shows value of total (seats used of seats); without, values against the largest.
 */
export function BarChart({ title, bars, id }: { title: string; bars: Bar[]; id: string }) {
  const width = 460;
  const row = 34;
  const labelWidth = 150;
  const max = Math.max(1, ...bars.map((b) => b.total ?? b.value));
  const height = bars.length * row + 8;
  const describe = bars.map((b) => (b.total !== undefined ? `${b.label}: ${b.value} of ${b.total}` : `${b.label}: ${b.value}`)).join('; ');
  return (
    <figure className="chart" data-testid={id}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} width="100%">
        <desc id={`${id}-desc`}>{describe}</desc>
        {bars.map((b, i) => {
          const y = i * row + 4;
          const scale = (width - labelWidth - 90) / max;
          return (
            <g key={b.label}>
              <text x={0} y={y + 18} className="chart-label">
                {b.label}
              </text>
              {b.total !== undefined ? <rect x={labelWidth} y={y + 4} width={Math.max(1, b.total * scale)} height={20} className="bar-total" /> : null}
              <rect x={labelWidth} y={y + 4} width={Math.max(b.value ? 2 : 0, b.value * scale)} height={20} className="bar-value" />
              <text x={labelWidth + (b.total ?? b.value) * scale + 6} y={y + 18} className="chart-value">
                {b.total !== undefined ? `${b.value} / ${b.total}` : b.value}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

export interface Row {
  key: string;
  cells: ReactNode[];
  /** data-* attributes of the row (e.g. { 'data-contract': 'C-17' }). */
  data?: Record<string, string>;
}

/** A table with a header row: every list of the console. */
export function Table({ headers, rows, testId, caption }: { headers: string[]; rows: Row[]; testId?: string; caption?: string }) {
  return (
    <table data-testid={testId}>
      {caption ? <caption className="sr-only">{caption}</caption> : null}
      <thead>
        <tr>
          {headers.map((h) => (
            <th scope="col" key={h}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key} {...row.data}>
            {row.cells.map((cell, i) => (
              <td key={i}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A titled card of a page. */
export function Section({ id, title, children }: { id: string; title: ReactNode; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}
