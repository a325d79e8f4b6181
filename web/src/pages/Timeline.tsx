import type { ConsoleDistributorQuery } from '../generated/graphql';
import { day } from '../api';

/** A contract as the distributor page reads it (types generated from the schema). */
export type Contract = NonNullable<NonNullable<ConsoleDistributorQuery['organization']>['contracts']>[number];

/**
 * The legal windows of the contract types (the jurisdiction facts of seeds/jurisdictions.json,
 * docs/transfer-gate.md): drawn as cut-off lines on the timeline of the contracts they apply to.
 * Display only: whether a contract is in force is the API's `inForce`, never computed here.
 */
const CUTOFFS: Record<string, { date: string; label: string }> = {
  SCC_2010: { date: '2022-12-27', label: 'SCC 2010 end' },
  PRIVACY_SHIELD: { date: '2020-07-16', label: 'Privacy Shield end' },
  DPF_CERTIFICATION: { date: '2023-07-10', label: 'DPF start' },
};

const YEAR = 365.25 * 24 * 3600 * 1000;
const t = (iso: string) => new Date(iso).getTime();

/** Each contract as a bar from its effective date to its end (expiry or termination), with its signature and the cut-offs that apply.
 * Over 60 lines: one SVG drawing, its scale and its layers in order. */
export function Timeline({ contracts }: { contracts: Contract[] }) {
  if (!contracts.length) return <p>No contracts on record.</p>;
  const now = Date.now();
  const dates = contracts.flatMap((c) => [c.effectiveFrom, c.signedAt, c.expiresAt, c.terminatedAt].filter((d): d is string => !!d && t(d) < now + 20 * YEAR).map(t));
  const cutoffs = [...new Set(contracts.map((c) => c.type))].filter((type) => CUTOFFS[type]).map((type) => CUTOFFS[type]);
  const from = Math.min(now, ...dates, ...cutoffs.map((c) => t(c.date))) - YEAR / 2;
  const to = Math.max(now, ...dates) + YEAR;
  const width = 720;
  const left = 130;
  const row = 30;
  const height = contracts.length * row + 40;
  const x = (ms: number) => left + ((Math.min(Math.max(ms, from), to) - from) / (to - from)) * (width - left - 10);
  const years: number[] = [];
  for (let y = new Date(from).getUTCFullYear() + 1; Date.UTC(y, 0, 1) < to; y++) years.push(y);
  return (
    <figure className="card timeline" data-testid="timeline">
      <figcaption id="timeline-title">Contracts over time (bars: effective to expiry or termination; ◆ signed; dashed: legal cut-offs; red: today)</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-labelledby="timeline-title timeline-desc">
        <desc id="timeline-desc">
          {contracts
            .map(
              (c) =>
                `${c.documentRef ?? c.type}: ${c.type}, effective ${day(c.effectiveFrom)}, signed ${day(c.signedAt)}, expires ${c.expiresAt ? day(c.expiresAt) : 'never'}${c.terminatedAt ? `, terminated ${day(c.terminatedAt)}` : ''}`,
            )
            .join('; ')}
        </desc>
        {years.map((y) => (
          <g key={y}>
            <line x1={x(Date.UTC(y, 0, 1))} x2={x(Date.UTC(y, 0, 1))} y1={0} y2={height - 20} className="grid-line" />
            <text x={x(Date.UTC(y, 0, 1))} y={height - 6} className="axis-label" textAnchor="middle">
              {y}
            </text>
          </g>
        ))}
        {cutoffs.map((c) => (
          <g key={c.label}>
            <line x1={x(t(c.date))} x2={x(t(c.date))} y1={0} y2={height - 20} className="cutoff" />
            <text x={x(t(c.date)) + 3} y={10} className="cutoff-label">
              {c.label}
            </text>
          </g>
        ))}
        {contracts.map((c, i) => {
          const y = i * row + 18;
          const end = Math.min(c.expiresAt ? t(c.expiresAt) : to, c.terminatedAt ? t(c.terminatedAt) : to);
          return (
            <g key={c.id}>
              <text x={0} y={y + 13} className="chart-label">
                {c.documentRef ?? c.type}
              </text>
              <rect
                x={x(t(c.effectiveFrom))}
                y={y}
                width={Math.max(2, x(end) - x(t(c.effectiveFrom)))}
                height={16}
                className={c.inForce ? 'bar-in-force' : c.status === 'DRAFT' ? 'bar-draft' : 'bar-ended'}
              />
              {c.signedAt ? (
                <text x={x(t(c.signedAt))} y={y + 13} className="marker" textAnchor="middle">
                  ◆
                </text>
              ) : null}
            </g>
          );
        })}
        <line x1={x(now)} x2={x(now)} y1={0} y2={height - 20} className="now-line" />
      </svg>
    </figure>
  );
}
