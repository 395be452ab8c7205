/** The Prometheus text exposition format (version 0.0.4), for the gauges and counters of the ops listener. */
export interface Sample {
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Escapes a label value (backslash, newline, double quote), per the exposition format. */
export const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

export function gauge(name: string, help: string, samples: readonly Sample[]): string {
  return family('gauge', name, help, samples);
}

/** A counter only goes up (from the start of the process): Prometheus' rate() handles the reset at a restart. */
export function counter(name: string, help: string, samples: readonly Sample[]): string {
  return family('counter', name, help, samples);
}

function family(type: 'gauge' | 'counter', name: string, help: string, samples: readonly Sample[]): string {
  const lines = [`# HELP ${name} ${help.replace(/\n/g, ' ')}`, `# TYPE ${name} ${type}`];
  for (const s of samples) {
    const labels = s.labels ? Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',') : '';
    lines.push(`${name}${labels ? `{${labels}}` : ''} ${Number.isFinite(s.value) ? s.value : 'NaN'}`);
  }
  return `${lines.join('\n')}\n`;
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
