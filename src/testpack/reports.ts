/** The pack's reports: JUnit XML (for the operator's CI) and one self-contained HTML page (for people). */
import type { PackResult, ScenarioResult, StepResult } from './runner.js';
import { xmlEscape } from './xml-text.js';

const secs = (ms: number): string => (ms / 1000).toFixed(3);
/** XML 1.0 forbids most control characters even escaped; answers are text, but be safe. */
const clean = (s: string): string => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '\uFFFD');
const esc = (s: string): string => xmlEscape(clean(s));

function stepText(s: StepResult): string {
  const lines = [`--- ${s.name} — POST ${s.url}`, `SOAPAction: ${s.soapAction}`, '', s.request, ''];
  if (s.error) lines.push(`ERREUR : ${s.error}`);
  if (s.status !== undefined) lines.push(`--- réponse HTTP ${s.status} (${s.attempts} essai(s))`, s.response ?? '');
  for (const e of s.expectations) lines.push(`${e.ok ? 'OK ' : 'KO '} attendu ${e.expected} — obtenu ${e.actual}`);
  return lines.join('\n');
}

export function junitXml(r: PackResult): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="esav-test-pack" tests="${r.scenarios.length}" failures="${r.failed}" skipped="${r.skipped}" time="${secs(r.durationMs)}" timestamp="${r.startedAt}">`);
  const services = [...new Set(r.scenarios.map((s) => `${s.service} v${s.version}`))];
  for (const suite of services) {
    const cases = r.scenarios.filter((s) => `${s.service} v${s.version}` === suite);
    out.push(`  <testsuite name="${esc(suite)}" tests="${cases.length}" failures="${cases.filter((c) => c.status === 'failed').length}" skipped="${cases.filter((c) => c.status === 'skipped').length}" time="${secs(cases.reduce((a, c) => a + c.durationMs, 0))}">`);
    for (const c of cases) {
      out.push(`    <testcase classname="${esc(`esav.${c.service}.v${c.version}`)}" name="${esc(`${c.id} — ${c.title}`)}" time="${secs(c.durationMs)}">`);
      if (c.status === 'skipped') out.push(`      <skipped message="${esc(c.reason ?? '')}"/>`);
      if (c.status === 'failed') out.push(`      <failure message="${esc(c.reason ?? '')}" type="expectation">${esc(c.steps.map(stepText).join('\n\n'))}</failure>`);
      if (c.status === 'passed') out.push(`      <system-out>${esc(c.steps.map(stepText).join('\n\n'))}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}

const h = (s: string | number): string => xmlEscape(clean(String(s)));

/** Indents a one-line XML answer for reading (display only; the raw answer is what was checked). */
export function prettyXml(xml: string): string {
  if (xml.includes('\n<') || !xml.startsWith('<')) return xml;
  let depth = 0;
  return xml.replace(/>\s*</g, '>\n<').split('\n').map((line) => {
    if (/^<\//.test(line)) depth = Math.max(0, depth - 1);
    const out = '  '.repeat(depth) + line;
    if (/^<[^!?/][^>]*[^/]>$/.test(line) && !/<\/[^>]+>$/.test(line)) depth++;
    return out;
  }).join('\n');
}

const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1c2330;background:#f4f6f9}
header{background:#123a63;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}header p{margin:0;opacity:.9}
main{padding:20px 28px}section{background:#fff;border:1px solid #d5dbe3;border-radius:6px;padding:14px 18px;margin:0 0 18px}
h2{font-size:18px;margin:0 0 10px}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e3e7ed;vertical-align:top}
th{background:#eef2f7;font-weight:600}tr.passed,td.passed,.totals .passed{color:#16703a}tr.failed,.totals .failed,details.failed>summary{color:#b3261e}tr.skipped,td.skipped,.totals .skipped{color:#6b7280}
.badge{display:inline-block;border-radius:10px;padding:1px 9px;font-weight:600;font-size:13px}
.badge.passed{background:#dcf3e3}.badge.failed{background:#fbe0de}.badge.skipped{background:#eceff3}
.totals span{margin-right:18px;font-size:17px;font-weight:600}
details{border:1px solid #e3e7ed;border-radius:6px;margin:8px 0;background:#fff}details>summary{cursor:pointer;padding:8px 12px;font-weight:600}
details.failed{border-color:#e7a29c}details .body{padding:0 12px 12px}
pre{background:#f7f8fa;border:1px solid #e3e7ed;padding:8px;overflow:auto;max-height:360px;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-all}
.reason{background:#fff4f3;border-left:4px solid #b3261e;padding:6px 10px;margin:6px 0}.ok{color:#16703a}.ko{color:#b3261e;font-weight:600}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:10px}code{font:13px ui-monospace,Menlo,Consolas,monospace}
`;

const STATUS_FR: Record<string, string> = { passed: 'réussi', failed: 'échoué', skipped: 'ignoré' };

function stepHtml(s: StepResult): string {
  const rows = s.expectations.map((e) => `<tr><td class="${e.ok ? 'ok' : 'ko'}">${e.ok ? '✔' : '✘'}</td><td>${h(e.expected)}</td><td>${h(e.actual)}</td></tr>`).join('');
  return `<h4>${h(s.name)} — <code>POST ${h(s.url)}</code></h4>
<p>SOAPAction <code>${h(s.soapAction)}</code>${s.status !== undefined ? ` · HTTP ${s.status}` : ''} · ${Math.round(s.durationMs)} ms · ${s.attempts} essai(s)</p>
${s.error ? `<p class="reason">${h(s.error)}</p>` : ''}
<table class="expectations"><thead><tr><th></th><th>Attendu</th><th>Obtenu</th></tr></thead><tbody>${rows}</tbody></table>
<div class="cols"><div><strong>Requête</strong><pre class="request">${h(s.request)}</pre></div>
<div><strong>Réponse</strong><pre class="response">${s.response !== undefined ? h(prettyXml(s.response)) : '(aucune réponse)'}</pre></div></div>`;
}

function scenarioHtml(c: ScenarioResult): string {
  return `<details class="${c.status}" id="${h(c.id)}"${c.status === 'failed' ? ' open' : ''}><summary><span class="badge ${c.status}">${STATUS_FR[c.status]}</span> ${h(c.id)} — ${h(c.title)}</summary><div class="body">
<p>Service <strong>${h(c.service)} v${c.version}</strong> · fichier <code>${h(c.file)}</code> · ${Math.round(c.durationMs)} ms</p>
${c.reason ? `<p class="reason">${h(c.reason)}</p>` : ''}${c.steps.map(stepHtml).join('\n')}</div></details>`;
}

export function htmlReport(r: PackResult): string {
  const rows = r.scenarios.map((c) => `<tr class="${c.status}" data-scenario="${h(c.id)}"><td><span class="badge ${c.status}">${STATUS_FR[c.status]}</span></td><td><a href="#${h(c.id)}">${h(c.id)}</a></td><td>${h(c.title)}</td><td>${h(c.service)} v${c.version}</td><td>${Math.round(c.durationMs)} ms</td><td>${h(c.reason ?? '')}</td></tr>`).join('\n');
  const versions = r.versions.map((v) => `<tr><td>${h(v.service)}</td><td>v${v.version}</td>`
    + `<td class="${v.live ? 'passed' : 'skipped'}">${v.live ? 'en production' : 'pas en production'}</td>`
    + `<td><code>${h(v.url)}</code></td><td>${h(v.note)}</td></tr>`).join('\n');
  return `<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="generator" content="esav-test-pack"><title>Jeu de test e-SAV — ${h(r.endpoint)}</title><style>${STYLE}</style></head>
<body><header><h1>Jeu de test e-SAV</h1><p>Point d'accès <code>${h(r.endpoint)}</code> · lancé le ${h(r.startedAt)} · ${(r.durationMs / 1000).toFixed(1)} s</p></header>
<main><section class="totals"><span class="passed">${r.passed} réussi(s)</span><span class="failed">${r.failed} échoué(s)</span><span class="skipped">${r.skipped} ignoré(s)</span></section>
${r.preflight ? `<section id="preflight"><h2>Contrôle préalable</h2><p class="reason">${h(r.preflight.message)}</p></section>` : ''}
${r.failed > 0 ? `<section id="failures"><h2>Échecs</h2>${r.scenarios.filter((c) => c.status === 'failed').map(scenarioHtml).join('\n')}</section>` : ''}
<section><h2>Versions publiées (GET ?wsdl) et en production ce jour (liste du point d'accès)</h2><table id="versions">
<thead><tr><th>Service</th><th>Version</th><th>État</th><th>Adresse</th><th>Détail</th></tr></thead><tbody>${versions}</tbody></table></section>
<section><h2>Scénarios</h2><table id="scenarios"><thead><tr><th>Résultat</th><th>Scénario</th><th>Titre</th><th>Service</th><th>Durée</th><th>Motif</th></tr></thead><tbody>${rows}</tbody></table></section>
<section><h2>Détail des échanges</h2>${r.scenarios.filter((c) => c.status !== 'failed').map(scenarioHtml).join('\n')}</section>
</main></body></html>
`;
}
