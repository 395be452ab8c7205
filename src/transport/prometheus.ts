/** The Prometheus text exposition format (version 0.0.4), for the few gauges of the ops listener. */
export interface Sample {
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

export function gauge(name: string, help: string, samples: readonly Sample[]): string {
  const lines = [`# HELP ${name} ${help.replace(/\n/g, ' ')}`, `# TYPE ${name} gauge`];
  for (const s of samples) {
    const labels = s.labels ? Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',') : '';
    lines.push(`${name}${labels ? `{${labels}}` : ''} ${Number.isFinite(s.value) ? s.value : 'NaN'}`);
  }
  return `${lines.join('\n')}\n`;
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
