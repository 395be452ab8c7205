/**
 * Checks for an OpenAPI 3.1 document, written for the tests (no validator package): the document's shape (what
 * the specification requires of its objects, every $ref resolving), and a small JSON Schema check of an answer
 * against a documented schema (type, null, required, properties, additionalProperties, items, enum, date-time).
 */
type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** What is wrong with the document's shape; empty when nothing is. */
export function openApiShapeProblems(doc: Json): string[] {
  const problems: string[] = [];
  if (typeof doc.openapi !== 'string' || !/^3\.1\.\d+$/.test(doc.openapi)) problems.push(`openapi: ${String(doc.openapi)}, expected 3.1.x`);
  const info = doc.info as Json | undefined;
  if (!info || typeof info.title !== 'string' || typeof info.version !== 'string') problems.push('info needs a title and a version');
  const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Json;
  const refs = (node: unknown, where: string): void => {
    if (Array.isArray(node)) { node.forEach((n, i) => refs(n, `${where}/${i}`)); return; }
    if (node === null || typeof node !== 'object') return;
    const ref = (node as Json).$ref;
    if (typeof ref === 'string') {
      const m = /^#\/components\/schemas\/(.+)$/.exec(ref);
      if (!m || !(m[1]! in schemas)) problems.push(`${where}: $ref ${ref} resolves to nothing`);
    }
    for (const [k, v] of Object.entries(node)) refs(v, `${where}/${k}`);
  };
  refs(doc, '#');
  const operationIds = new Set<string>();
  const paths = (doc.paths ?? {}) as Record<string, Json>;
  if (Object.keys(paths).length === 0) problems.push('no paths');
  for (const [p, item] of Object.entries(paths)) {
    if (!p.startsWith('/')) problems.push(`path ${p} does not start with /`);
    const templated = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const [method, op] of Object.entries(item)) {
      const at = `${method.toUpperCase()} ${p}`;
      if (!METHODS.includes(method)) { problems.push(`${at}: not an HTTP method`); continue; }
      const o = op as Json;
      if (typeof o.operationId !== 'string' || operationIds.has(o.operationId)) problems.push(`${at}: operationId missing or not unique`);
      operationIds.add(String(o.operationId));
      const params = (o.parameters ?? []) as Json[];
      for (const prm of params) {
        if (typeof prm.name !== 'string' || !['path', 'query', 'header', 'cookie'].includes(String(prm.in)) || typeof prm.schema !== 'object') {
          problems.push(`${at}: parameter ${JSON.stringify(prm)} needs name, in and schema`);
        }
        if (prm.in === 'path' && (prm.required !== true || !templated.includes(String(prm.name)))) problems.push(`${at}: path parameter ${String(prm.name)} not in the template or not required`);
      }
      for (const t of templated) if (!params.some((prm) => prm.in === 'path' && prm.name === t)) problems.push(`${at}: {${t}} has no parameter`);
      const responses = (o.responses ?? {}) as Record<string, Json>;
      if (Object.keys(responses).length === 0) problems.push(`${at}: no responses`);
      for (const [status, r] of Object.entries(responses)) {
        if (!/^[1-5]\d\d$/.test(status)) problems.push(`${at}: response ${status} is not a status`);
        if (typeof r.description !== 'string') problems.push(`${at} ${status}: response without a description`);
      }
    }
  }
  return problems;
}

/** What of `value` disagrees with `schema` (refs resolved in `doc`); empty when it conforms. */
export function schemaProblems(doc: Json, schema: Json, value: unknown, where = '$'): string[] {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return schemaProblems(doc, ((doc.components as Json).schemas as Json)[name] as Json, value, where);
  }
  const types = schema.type === undefined ? [] : ([schema.type].flat() as string[]);
  const typeOf = (v: unknown): string => v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
  const t = typeOf(value);
  if (types.length > 0 && !types.includes(t) && !(t === 'integer' && types.includes('number'))) return [`${where}: ${t}, expected ${types.join('|')}`];
  const problems: string[] = [];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push(`${where}: ${JSON.stringify(value)} not in the enum`);
  if (schema.format === 'date-time' && typeof value === 'string' && Number.isNaN(Date.parse(value))) problems.push(`${where}: not a date-time`);
  if (t === 'object') {
    const obj = value as Json;
    const props = (schema.properties ?? {}) as Record<string, Json>;
    for (const r of (schema.required ?? []) as string[]) if (!(r in obj)) problems.push(`${where}.${r}: required, missing`);
    for (const [k, v] of Object.entries(obj)) {
      if (k in props) problems.push(...schemaProblems(doc, props[k]!, v, `${where}.${k}`));
      else if (schema.additionalProperties !== true && schema.properties !== undefined) problems.push(`${where}.${k}: not documented`);
    }
  }
  if (t === 'array' && schema.items) (value as unknown[]).forEach((v, i) => problems.push(...schemaProblems(doc, schema.items as Json, v, `${where}[${i}]`)));
  return problems;
}
