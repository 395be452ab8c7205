/**
 * The one stylesheet of the pack, inlined in every page so that a page opened alone (from the zip, from a mail)
 * still looks right. System fonts only: the pack must not fetch anything.
 */
export const STYLESHEET = `
:root { --ink: #1d2733; --muted: #5b6776; --line: #d5dbe3; --soft: #f3f5f8; --brand: #12467a; --accent: #c0392b; --ok: #1e7a46; --warn: #9a5b00; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--ink); background: #fff; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
header.bar { background: var(--brand); color: #fff; padding: 0.9rem 2rem; }
header.bar a { color: #fff; }
header.bar .crumb { font-size: 0.9rem; opacity: 0.9; }
header.bar h1 { margin: 0.2rem 0 0; font-size: 1.6rem; font-weight: 600; }
main { padding: 1.5rem 2rem 3rem; max-width: 72rem; }
.page-index main { max-width: none; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.6rem; color: var(--brand); }
p.lead { margin-top: 0; color: var(--muted); }
a { color: var(--brand); }
code, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.88em; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
th, td { border: 1px solid var(--line); padding: 0.45rem 0.6rem; text-align: left; vertical-align: top; }
thead th { background: var(--soft); font-weight: 600; }
td.num { text-align: right; white-space: nowrap; }
td.date { white-space: nowrap; }
/* Fixed widths: the documents column holds the most text and gets the room; a long date wraps in its own column. */
table.forms { table-layout: fixed; }
table.forms td.date { white-space: normal; }
col.offer { width: 6%; } col.form { width: 15%; } col.version { width: 9%; } col.date { width: 10%; } col.docs { width: 40%; }
ul.docs { margin: 0; padding-left: 1.1rem; }
ul.docs li { margin: 0.1rem 0; }
.badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 0.8rem; font-size: 0.8rem; font-weight: 600; white-space: nowrap; }
.badge.current { background: #e3f4ea; color: var(--ok); }
.badge.previous { background: #fdf0dc; color: var(--warn); }
.note { background: var(--soft); border-left: 4px solid var(--brand); padding: 0.7rem 1rem; margin: 1rem 0; }
.note.warn { border-left-color: var(--warn); background: #fdf6ea; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1.2rem; margin: 0 0 1.2rem; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
.layout { display: grid; grid-template-columns: minmax(0, 44rem) minmax(16rem, 1fr); gap: 2rem; align-items: start; }
.screen { border: 1px solid var(--line); border-radius: 6px; box-shadow: 0 2px 8px rgba(20, 40, 70, 0.08); }
.screen .titlebar { background: var(--soft); border-bottom: 1px solid var(--line); padding: 0.6rem 1rem; font-weight: 600; border-radius: 6px 6px 0 0; }
.screen form { padding: 1rem 1.2rem 1.2rem; }
.legend-req { font-size: 0.9rem; color: var(--muted); margin: 0 0 1rem; }
.req { color: var(--accent); font-weight: 700; text-decoration: none; border: 0; }
.field { margin: 0 0 1rem; }
.field > label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
.field.check > label { display: flex; gap: 0.5rem; align-items: center; }
textarea, input[type="text"], input[type="tel"], input[type="email"], input[type="number"], input[type="date"], input[type="datetime-local"], select {
  width: 100%; max-width: 32rem; padding: 0.4rem 0.5rem; border: 1px solid #9aa6b4; border-radius: 4px; font: inherit; background: #fff; }
input[type="number"], input[type="date"], input[type="datetime-local"] { max-width: 16rem; }
input[type="checkbox"] { width: 1.1rem; height: 1.1rem; margin: 0; }
.help { margin: 0.2rem 0 0; font-size: 0.88rem; color: var(--muted); }
.hint { margin: 0.15rem 0 0; font-size: 0.8rem; color: var(--muted); }
.cond { margin: 0.2rem 0 0; font-size: 0.85rem; color: var(--warn); }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 1rem; padding: 0.6rem 1rem 0.2rem; }
legend { font-weight: 600; padding: 0 0.4rem; color: var(--brand); }
.actions { border-top: 1px solid var(--line); padding-top: 1rem; display: flex; gap: 1rem; align-items: center; }
.actions button { font: inherit; padding: 0.45rem 1.1rem; border-radius: 4px; border: 1px solid var(--brand); background: var(--brand); color: #fff; opacity: 0.6; }
.actions span { font-size: 0.85rem; color: var(--muted); }
aside section { border: 1px solid var(--line); border-radius: 6px; padding: 0.2rem 1rem 0.8rem; margin-bottom: 1.2rem; }
aside h2 { margin-top: 0.8rem; }
.rules ol { padding-left: 1.2rem; margin: 0; }
.rules li { margin-bottom: 0.6rem; }
.rules .when { display: block; font-size: 0.88rem; color: var(--muted); }
/* Wrapped rather than scrolled: a namespace URI is longer than the aside, and a screenshot shows no scrollbar. */
pre.xml { background: var(--soft); padding: 0.6rem 0.8rem; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.85rem; border-radius: 4px; }
footer { color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--line); padding: 1rem 2rem; }
@media (max-width: 60rem) { .layout { grid-template-columns: 1fr; } }
`.trim();
