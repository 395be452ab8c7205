/**
 * The OpenAPI 3.1 document of a Fastify instance, built from the routes it registered (collected by an onRoute hook,
 * as @fastify/swagger does) and their schemas: parameters from `params` and `querystring`, the request body from
 * `body`, the answers from `response`. Schemas registered in `named` appear once under components/schemas.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { JsonSchema, RouteSchema } from './internal-api-schemas.js';

export interface OpenApiInfo { readonly title: string; readonly version: string; readonly description: string }

type Doc = Record<string, unknown>;

const STATUS_TEXT: Readonly<Record<string, string>> = Object.freeze({
  200: 'OK.', 400: 'Invalid input: `error` says which rule, `field` which field when one is.', 404: 'No such ticket, or no such route (NO_ROUTE).',
  409: 'The ticket\'s state does not allow it (TRANSITION_INTERDITE).', 413: 'The body is over 64 KiB (BODY_TOO_LARGE).',
  415: 'The body is not application/json (UNSUPPORTED_MEDIA_TYPE).', 500: 'A defect of the gateway (INTERNAL): the message gives the request id.',
  503: 'The database cannot serve now (SERVICE_INDISPONIBLE): retry after Retry-After seconds.'
});

/** Starts collecting the routes registered after it; `document()` builds the document from them. */
export function openApiCollector(app: FastifyInstance, info: OpenApiInfo, named: ReadonlyMap<JsonSchema, string>, security: Doc): { document(): Doc } {
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (r) => { routes.push(r); });
  const components: Record<string, unknown> = {};
  /** A copy of `s` where each named schema (at any depth) is a $ref to components/schemas. */
  const referenced = (s: unknown, top = false): unknown => {
    if (Array.isArray(s)) return s.map((x) => referenced(x));
    if (s === null || typeof s !== 'object') return s;
    const name = named.get(s as JsonSchema);
    if (name !== undefined && !top) {
      if (!(name in components)) components[name] = referenced(s, true);
      return { $ref: `#/components/schemas/${name}` };
    }
    return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, referenced(v)]));
  };
  const parameters = (where: 'path' | 'query', s: JsonSchema | undefined): Doc[] => {
    if (!s) return [];
    const props = (s.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((s.required ?? []) as string[]);
    return Object.entries(props).map(([name, schema]) => {
      const { description, ...rest } = schema;
      return { name, in: where, required: where === 'path' || required.has(name), ...(description ? { description } : {}), schema: referenced(rest) };
    });
  };
  const operation = (schema: RouteSchema): Doc => ({
    operationId: schema.operationId, summary: schema.summary, ...(schema.description ? { description: schema.description } : {}), tags: schema.tags,
    parameters: [...parameters('path', schema.params), ...parameters('query', schema.querystring)],
    ...(schema.body ? { requestBody: { required: true, content: { 'application/json': { schema: referenced(schema.body) } } } } : {}),
    responses: Object.fromEntries(Object.entries(schema.response).map(([status, s]) => {
      // A named schema is referenced as it is; another one gives its description to the response.
      const { description, ...body } = s;
      const text = !named.has(s) && typeof description === 'string' ? description : STATUS_TEXT[status] ?? 'See `error`.';
      const content = { 'application/json': { schema: referenced(named.has(s) ? s : body) } };
      return [status, body.type === 'null' ? { description: text } : { description: text, content }];
    }))
  });
  return {
    document() {
      const paths: Record<string, Record<string, Doc>> = {};
      for (const r of routes) {
        const schema = r.schema as RouteSchema | undefined;
        if (!schema?.operationId) continue;
        const url = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
        for (const method of [r.method].flat()) {
          if (method === 'HEAD') continue;
          (paths[url] ??= {})[method.toLowerCase()] = operation(schema);
        }
      }
      return {
        openapi: '3.1.0', info, paths,
        components: { schemas: components, securitySchemes: security }, security: Object.keys(security).map((k) => ({ [k]: [] }))
      };
    }
  };
}
