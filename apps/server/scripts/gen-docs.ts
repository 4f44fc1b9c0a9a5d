/**
 * The generated parts of the docs (docs/ at the repository root), rendered from the code so they cannot
 * drift from it:
 *
 * - docs/configuration.md, whole: every environment variable (the zod schema of src/env.ts) and every
 *   run-time setting (src/settings/settings.ts), with default, accepted values and effect;
 * - docs/security.md, section `role-matrix`: who may call each tRPC procedure (test/role-matrix.expectations.ts,
 *   the table the role-matrix test proves);
 * - docs/api.md, sections `http-endpoints` (the list below, checked against the routes the app registers) and
 *   `trpc-procedures` (walked from `appRouter`, inputs from their zod schemas via `z.toJSONSchema`);
 * - docs/operations.md, section `metrics` (the hub's metric families, from its Prometheus registry).
 *
 * Generated sections sit between `<!-- BEGIN GENERATED: name -->` and `<!-- END GENERATED: name -->`; the
 * rest of those files is written by hand. Everything is passed through Prettier with the repository's
 * settings, so the generated text is exactly what `prettier --check` expects.
 *
 * test/docs-generated.test.ts fails when a committed file differs from what this renders. To refresh them:
 *
 *     pnpm --filter @aigne-hub/server exec tsx scripts/gen-docs.ts          # write
 *     pnpm --filter @aigne-hub/server exec tsx scripts/gen-docs.ts --check  # exit 1 when stale
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createTestDatabases } from '@aigne-hub/db/testing';
import pino from 'pino';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import { createApp } from '../src/app';
import { envSchema, loadEnv } from '../src/env';
import { openHub } from '../src/hub';
import { HubMetrics } from '../src/observability/metrics';
import { appRouter } from '../src/routers/_app';
import { DEFAULT_SETTINGS, settingsSchema, type SettingsSection } from '../src/settings/settings';
import { EXPECTATIONS, type Expectation } from '../test/role-matrix.expectations';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DOCS_DIR = path.join(REPO_ROOT, 'docs');
const THIS_SCRIPT = 'apps/server/scripts/gen-docs.ts';
const REGENERATE = 'pnpm --filter @aigne-hub/server exec tsx scripts/gen-docs.ts';

// ---------------------------------------------------------------------------------------------------------
// Markdown helpers

/**
 * A table cell: pipes escaped (also inside code spans, as GFM tables require), line breaks folded (a cell is
 * one line), and `<` outside code spans escaped so that `<PORT>` is not taken for an HTML tag.
 */
function cell(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') ? part : part.replace(/</g, '\\<')))
    .join('')
    .replace(/\|/g, '\\|');
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

const code = (text: string) => `\`${text}\``;

/** A JSON value as inline code (`8090`, `"info"` shown as `info`). */
function literal(value: unknown): string {
  if (value === undefined) return '';
  return code(typeof value === 'string' ? value : JSON.stringify(value));
}

// ---------------------------------------------------------------------------------------------------------
// JSON Schema (from zod) as readable text

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  description?: string;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
};

const jsonSchemaOf = (schema: z.ZodType): JsonSchema =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

/** The type of a value, e.g. `integer`, `"ai" \| "api"`, `string[]`, `date-time`. */
function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return [...new Set(variants.map(typeOf))].join(' | ');
  if (schema.type === 'array') {
    const item = schema.items ? typeOf(schema.items) : 'any';
    return item.includes(' | ') ? `(${item})[]` : `${item}[]`;
  }
  if (schema.type === 'string' && schema.format)
    return schema.format === 'date-time' ? 'date-time' : schema.format;
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  if (schema.type === 'object' && !schema.properties && typeof schema.additionalProperties === 'object') {
    return `Record<string, ${typeOf(schema.additionalProperties)}>`;
  }
  return schema.type ?? 'any';
}

/** Bounds and rules worth telling a caller: lengths, ranges, item counts; short patterns. */
function rulesOf(schema: JsonSchema): string[] {
  const rules: string[] = [];
  const range = (min: number | undefined, max: number | undefined, unit: string) => {
    if (min !== undefined && max !== undefined) rules.push(`${min}–${max}${unit}`);
    else if (min !== undefined) rules.push(`≥ ${min}${unit}`);
    else if (max !== undefined) rules.push(`≤ ${max}${unit}`);
  };
  range(schema.minimum, schema.maximum, '');
  if (schema.exclusiveMinimum !== undefined) rules.push(`> ${schema.exclusiveMinimum}`);
  if (schema.exclusiveMaximum !== undefined) rules.push(`< ${schema.exclusiveMaximum}`);
  range(schema.minLength, schema.maxLength, ' chars');
  range(schema.minItems, schema.maxItems, ' items');
  if (schema.pattern && schema.format === undefined && schema.pattern.length <= 60) {
    rules.push(`matches ${code(schema.pattern)}`);
  }
  if (schema.type === 'array' && schema.items) rules.push(...rulesOf(schema.items).map((r) => `each ${r}`));
  return rules;
}

interface FieldRow {
  name: string;
  type: string;
  required: boolean;
  notes: string;
}

/** The fields of an object schema, nested objects flattened with dotted names. */
function fieldsOf(schema: JsonSchema, prefix = ''): FieldRow[] {
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return variants.flatMap((variant) => fieldsOf(variant, prefix));
  if (schema.type !== 'object') return [];
  const rows: FieldRow[] = [];
  const required = new Set(schema.required ?? []);
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const notes = [
      (field.description ?? '').replace(/\.$/, ''),
      rulesOf(field).join(', '),
      field.default !== undefined ? `default ${literal(field.default)}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    const nested = field.type === 'object' && field.properties;
    rows.push({
      name: `${prefix}${name}`,
      type: nested ? 'object' : typeOf(field),
      required: required.has(name),
      notes,
    });
    if (nested) rows.push(...fieldsOf(field, `${prefix}${name}.`));
  }
  if (schema.properties && typeof schema.additionalProperties === 'object') {
    rows.push({
      name: `${prefix}*`,
      type: typeOf(schema.additionalProperties),
      required: false,
      notes: ['any other field', rulesOf(schema.additionalProperties).join(', ')].filter(Boolean).join('; '),
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// docs/configuration.md

/** What a variable accepts, from its JSON Schema (input side: what the environment may hold). */
function acceptedValues(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => code(String(value))).join(', ');
  // "at least 1 character" goes without saying for a variable: an empty one counts as unset.
  const rules = rulesOf(schema).filter((rule) => rule !== '≥ 1 chars');
  const kind = schema.type === 'integer' ? 'integer' : schema.type === 'number' ? 'number' : 'text';
  return [kind, ...rules].join(', ');
}

export function configurationMarkdown(): string {
  const env = jsonSchemaOf(envSchema);
  const envRows = (blocklet: boolean) =>
    Object.entries(env.properties ?? {})
      .filter(([name]) => name.startsWith('BLOCKLET_') === blocklet)
      .map(([name, schema]) => {
        if (!schema.description) throw new Error(`${name} in src/env.ts has no .describe()`);
        return [
          code(name),
          schema.default === undefined ? 'unset' : literal(schema.default),
          acceptedValues(schema),
          schema.description,
        ];
      });

  const settings = jsonSchemaOf(settingsSchema);
  const sections = Object.entries(settings.properties ?? {}).map(([section, schema]) => {
    if (!schema.description) throw new Error(`settings section ${section} has no .describe()`);
    const defaults = DEFAULT_SETTINGS[section as SettingsSection] as Record<string, unknown>;
    const rows = Object.entries(schema.properties ?? {}).map(([key, field]) => {
      if (!field.description) throw new Error(`setting ${section}.${key} has no .describe()`);
      return [
        code(`${section}.${key}`),
        literal(defaults[key]),
        field.enum ? typeOf(field) : [typeOf(field), ...rulesOf(field)].join(', '),
        field.description,
      ];
    });
    return [
      `### ${code(section)}: ${schema.description}`,
      '',
      table(['setting', 'default', 'accepted', 'effect'], rows),
    ].join('\n');
  });

  return [
    '# Configuration reference',
    '',
    `<!-- Generated by ${THIS_SCRIPT} from apps/server/src/env.ts and apps/server/src/settings/settings.ts. Do not edit by hand: change the schemas, then run \`${REGENERATE}\`. -->`,
    '',
    'The hub is configured in two places:',
    '',
    '- **Environment variables**, read once at start. A malformed value stops the hub with a one-line reason',
    '  that names the variable (never its value: it may be a key). Command-line options of `aigne-hub start`',
    '  (`--port`, `--host`, `--data-dir`) override `PORT`, `HOST` and `HUB_DATA_DIR`.',
    '- **Settings**, changed at run time by an owner or admin (the admin app, or the `config.update`',
    '  procedure). They are stored in `hub.db` (table `config`), apply at once, and every change is audited',
    '  as `config.update` with the values before and after. A stored value that no longer validates falls back',
    '  to its default.',
    '',
    '## Environment variables',
    '',
    table(['variable', 'default', 'accepted', 'effect'], envRows(false)),
    '',
    '### Set by Blocklet Server',
    '',
    'Under Blocklet Server these are set by the server; do not set them yourself. Blocklet mode is on when',
    'both `BLOCKLET_APP_EK` and `BLOCKLET_DID` are present (see [operations](operations.md#running-under-blocklet-server)).',
    '',
    table(['variable', 'default', 'accepted', 'effect'], envRows(true)),
    '',
    '## Settings',
    '',
    ...sections.flatMap((section) => [section, '']),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// docs/security.md: the role matrix

const ACCESS_LABEL: Record<Expectation['access'], string> = {
  public: 'anyone',
  authed: 'any signed-in user',
  admin: 'owner, admin',
  owner: 'owner',
};

function allowed(expectation: Expectation, role: 'anonymous' | 'guest' | 'admin' | 'owner'): boolean {
  switch (expectation.access) {
    case 'public':
      return true;
    case 'authed':
      return role !== 'anonymous';
    case 'admin':
      return role === 'admin' || role === 'owner';
    case 'owner':
      return role === 'owner';
  }
}

export function roleMatrixMarkdown(): string {
  const yes = (ok: boolean) => (ok ? 'yes' : '—');
  const rows = Object.entries(EXPECTATIONS)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([procedure, expectation]) => [
      code(procedure),
      yes(allowed(expectation, 'anonymous')),
      yes(allowed(expectation, 'guest')),
      yes(allowed(expectation, 'admin')),
      yes(allowed(expectation, 'owner')),
      expectation.access === 'public'
        ? 'n/a'
        : expectation.apiKey === false
          ? 'no (browser session only)'
          : 'yes, with the `api` scope',
    ]);
  return [
    `Rendered from ${code('apps/server/test/role-matrix.expectations.ts')}, the table the role-matrix test proves by calling every procedure as every identity. An API key acts with its user's current role, so "with an API key" narrows the columns to its left, never widens them.`,
    '',
    table(['procedure', 'signed out', 'guest', 'admin', 'owner', 'with an API key'], rows),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// docs/api.md: HTTP endpoints and tRPC procedures

export interface HttpEndpoint {
  methods: string[];
  path: string;
  auth: string;
  description: string;
}

const AI_KEY = 'hub API key with `ai` scope, or the Playground session';

/** Every HTTP route the hub serves in standalone mode; test/docs-generated.test.ts checks it against the app. */
export const HTTP_ENDPOINTS: HttpEndpoint[] = [
  {
    methods: ['POST'],
    path: '/api/v1/chat/completions',
    auth: AI_KEY,
    description:
      'OpenAI chat completions. `model` is `provider/model` or a bare model name; `stream: true` answers Server-Sent Events, with `stream_options.include_usage` a final usage chunk.',
  },
  {
    methods: ['POST'],
    path: '/api/v1/embeddings',
    auth: AI_KEY,
    description: 'OpenAI embeddings.',
  },
  {
    methods: ['POST'],
    path: '/api/v1/images/generations',
    auth: AI_KEY,
    description: 'OpenAI image generation.',
  },
  {
    methods: ['GET'],
    path: '/api/v1/models',
    auth: AI_KEY,
    description: 'The models this key may use, as OpenAI lists them (`provider/model` ids).',
  },
  {
    methods: ['GET'],
    path: '/api/v1/models/*',
    auth: AI_KEY,
    description: 'One model by id (`/api/v1/models/openai/gpt-4o`), 404 when unknown or not allowed.',
  },
  {
    methods: ['POST'],
    path: '/api/v2/chat',
    auth: AI_KEY,
    description:
      'The AIGNE framework transport (`@aigne/aigne-hub`): invoke the chat model agent; `options.streaming` answers SSE.',
  },
  {
    methods: ['POST'],
    path: '/api/v2/image',
    auth: AI_KEY,
    description: 'The AIGNE framework transport: image generation.',
  },
  {
    methods: ['POST'],
    path: '/api/v2/chat/completions',
    auth: AI_KEY,
    description:
      "AIGNE Hub's v2 chat completions (`stream: true` or `Accept: text/event-stream` for SSE), answers carry usage and credits.",
  },
  {
    methods: ['POST'],
    path: '/api/v2/completions',
    auth: AI_KEY,
    description: 'The same as `/api/v2/chat/completions` (AIGNE Hub serves both).',
  },
  {
    methods: ['POST'],
    path: '/api/v2/embeddings',
    auth: AI_KEY,
    description: "AIGNE Hub's v2 embeddings.",
  },
  {
    methods: ['POST'],
    path: '/api/v2/image/generations',
    auth: AI_KEY,
    description: "AIGNE Hub's v2 image generation.",
  },
  {
    methods: ['GET'],
    path: '/api/v2/status',
    auth: AI_KEY,
    description: 'May this caller use `?model=` now: rated, allowed, and the credit balance.',
  },
  {
    methods: ['GET'],
    path: '/api/ai/models',
    auth: 'none (with a key: only what the key may use)',
    description:
      'The model list AIGNE clients fetch (`?type=chatCompletion|embedding|image`): names, providers, rates, availability.',
  },
  {
    methods: ['GET'],
    path: '/__blocklet__.js',
    auth: 'none',
    description:
      'Discovery for AIGNE clients, as Blocklet Server serves it: a script, or JSON with `?type=json` (where the AI endpoints are).',
  },
  {
    methods: ['GET', 'POST'],
    path: '/api/trpc/:path',
    auth: 'per procedure (below): session cookie or `Authorization: Bearer`',
    description:
      'The tRPC API used by the web app and the typed client (`packages/client`). Queries are GET, mutations POST; batching is supported.',
  },
  {
    methods: ['POST'],
    path: '/api/did/login/token',
    auth: 'none (same origin only)',
    description: 'Starts a DID Wallet sign-in: the QR code link and a poll key. Standalone mode only.',
  },
  {
    methods: ['POST'],
    path: '/api/did/login/status',
    auth: 'the poll key (same origin only)',
    description: 'Polls that sign-in; once the wallet has answered, signs the browser in (session cookie).',
  },
  {
    methods: ['GET', 'POST'],
    path: '/api/did/login/auth',
    auth: 'the DID Connect token (the wallet)',
    description:
      "The DID Connect protocol's wallet endpoint: the hub's signed request (GET), the wallet's answer (POST).",
  },
  {
    methods: ['GET'],
    path: '/api/did/login/auth/submit',
    auth: 'the DID Connect token (the wallet)',
    description: "The wallet's answer from DID Wallet's web version.",
  },
  {
    methods: ['GET'],
    path: '/api/health',
    auth: 'none',
    description: 'Liveness: `{ ok: true, version }` while the process answers.',
  },
  {
    methods: ['GET'],
    path: '/api/ready',
    auth: 'none',
    description:
      'Readiness: 200 `{ ready: true, checks }` when both databases are open and fully migrated and a provider is enabled; otherwise 503 with `reasons`.',
  },
  {
    methods: ['GET'],
    path: '/metrics',
    auth: '`HUB_METRICS_TOKEN`, or an owner/admin key with `api` scope, as `Authorization: Bearer`',
    description: 'Prometheus metrics (text format 0.0.4); see [operations](operations.md#monitoring).',
  },
  {
    methods: ['GET'],
    path: '/',
    auth: 'none',
    description: 'The web app (sign-in, admin app, Playground); client-side routes all load it.',
  },
];

export function httpEndpointsMarkdown(): string {
  return table(
    ['method', 'path', 'authentication', 'what it does'],
    HTTP_ENDPOINTS.map((endpoint) => [
      endpoint.methods.join(', '),
      code(endpoint.path),
      endpoint.auth,
      endpoint.description,
    ]),
  );
}

interface ProcedureDef {
  type: 'query' | 'mutation' | 'subscription';
  inputs: z.ZodType[];
  meta?: { apiKey?: boolean };
}

/** Every procedure of the app router, `router.procedure` -> its definition. */
export function procedureDefinitions(): Map<string, ProcedureDef> {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: ProcedureDef }>;
  return new Map(Object.entries(procedures).map(([name, procedure]) => [name, procedure._def]));
}

export function proceduresMarkdown(): string {
  const byRouter = new Map<string, [string, ProcedureDef][]>();
  for (const [name, def] of procedureDefinitions()) {
    const router = name.split('.')[0]!;
    byRouter.set(router, [...(byRouter.get(router) ?? []), [name, def]]);
  }
  const out: string[] = [];
  for (const [router, procedures] of byRouter) {
    out.push(`### ${code(router)}`, '');
    for (const [name, def] of procedures) {
      const expectation = EXPECTATIONS[name];
      if (!expectation) throw new Error(`${name} has no entry in test/role-matrix.expectations.ts`);
      const access = ACCESS_LABEL[expectation.access];
      const viaKey =
        expectation.access === 'public' ? '' : expectation.apiKey === false ? '; not with an API key' : '';
      out.push(`#### ${code(name)}`, '', `${def.type}; ${access}${viaKey}.`, '');
      const schema = def.inputs[0];
      if (!schema) {
        out.push('No input.', '');
        continue;
      }
      const json = jsonSchemaOf(schema);
      const fields = fieldsOf(json);
      if (fields.length === 0) {
        out.push(`Input: ${code(typeOf(json))}.`, '');
        continue;
      }
      if (schema.safeParse(undefined).success) out.push('The input may be omitted.', '');
      out.push(
        table(
          ['field', 'type', 'required', 'notes'],
          fields.map((field) => [
            code(field.name),
            code(field.type),
            field.required ? 'yes' : '',
            field.notes,
          ]),
        ),
        '',
      );
    }
  }
  return out.join('\n').trimEnd();
}

// ---------------------------------------------------------------------------------------------------------
// docs/operations.md: the metrics

export function metricsMarkdown(): string {
  const databases = createTestDatabases();
  try {
    const metrics = new HubMetrics(databases.hub.db);
    const rows = metrics.registry
      .getMetricsAsArray()
      .map((metric) => {
        const { name, help, labelNames } = metric as unknown as {
          name: string;
          help: string;
          labelNames?: string[];
        };
        const type = (metric as unknown as { type?: string }).type ?? '';
        return [code(name), type, (labelNames ?? []).map(code).join(', ') || '—', help];
      })
      .sort(([a], [b]) => a!.localeCompare(b!));
    return table(['metric', 'type', 'labels', 'meaning'], rows);
  } finally {
    databases.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// The HTTP routes the app really registers

/**
 * Builds the app over a throwaway data folder (standalone mode, no web build) and lists its routes as
 * `METHOD path`, HEAD and OPTIONS left out (Fastify adds them). Parsed from `printRoutes`, Fastify's only
 * public view of its router: each line is a path segment under its parent's.
 */
export async function registeredRoutes(): Promise<Map<string, Set<string>>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-docs-'));
  const webDir = path.join(dir, 'no-web');
  try {
    const env = loadEnv({
      HUB_DATA_DIR: dir,
      HUB_ENCRYPTION_KEYS: Buffer.alloc(32, 1).toString('base64'),
      HUB_WEB_DIR: webDir,
    });
    const { services } = openHub(env, pino({ level: 'silent' }));
    try {
      const app = await createApp({ services, webDir });
      await app.ready();
      const routes = parseRouteTree(app.printRoutes({ commonPrefix: false }));
      await app.close();
      return routes;
    } finally {
      services.databases.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function parseRouteTree(tree: string): Map<string, Set<string>> {
  const routes = new Map<string, Set<string>>();
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)(?:[└├]── )(\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const segment = match[2]!;
    const parent = stack[depth - 1] ?? '';
    // A wildcard or parameter under a static segment is printed without the `/` that separates them.
    const joint = depth > 0 && /^[*:]/.test(segment) && !parent.endsWith('/') ? '/' : '';
    const full = depth === 0 ? segment : `${parent}${parent === '/' ? '' : joint}${segment}`;
    const fullPath = full.startsWith('/') ? full : `/${full}`;
    stack[depth] = fullPath;
    stack.length = depth + 1;
    if (match[3] === undefined) continue;
    const methods = match[3]
      .split(',')
      .map((method) => method.trim())
      .filter((method) => method !== 'HEAD' && method !== 'OPTIONS');
    routes.set(fullPath, new Set(methods));
  }
  return routes;
}

// ---------------------------------------------------------------------------------------------------------
// Files

const BEGIN = (name: string) => `<!-- BEGIN GENERATED: ${name} (${THIS_SCRIPT}) -->`;
const END = (name: string) => `<!-- END GENERATED: ${name} -->`;

/** `text` with the body of section `name` replaced; throws when the markers are missing. */
export function replaceSection(text: string, name: string, body: string): string {
  const begin = text.indexOf(BEGIN(name));
  const end = text.indexOf(END(name));
  if (begin === -1 || end === -1 || end < begin) {
    throw new Error(`the markers of section "${name}" are missing: ${BEGIN(name)} ... ${END(name)}`);
  }
  return `${text.slice(0, begin + BEGIN(name).length)}\n\n${body}\n\n${text.slice(end)}`;
}

export interface RenderedDoc {
  /** Path relative to the repository root. */
  file: string;
  /** What the file should hold. */
  expected: string;
  /** What it holds (null when missing). */
  current: string | null;
}

async function prettierMarkdown(text: string, file: string): Promise<string> {
  const config = (await resolveConfig(file)) ?? {};
  return format(text, { ...config, parser: 'markdown', filepath: file });
}

/** Every generated doc, rendered against what is on disk now. */
export async function renderDocs(): Promise<RenderedDoc[]> {
  const read = (file: string) =>
    fs.existsSync(path.join(REPO_ROOT, file)) ? fs.readFileSync(path.join(REPO_ROOT, file), 'utf8') : null;
  const sectioned: { file: string; sections: Record<string, () => string> }[] = [
    { file: 'docs/security.md', sections: { 'role-matrix': roleMatrixMarkdown } },
    {
      file: 'docs/api.md',
      sections: { 'http-endpoints': httpEndpointsMarkdown, 'trpc-procedures': proceduresMarkdown },
    },
    { file: 'docs/operations.md', sections: { metrics: metricsMarkdown } },
  ];
  const docs: RenderedDoc[] = [];
  const configuration = 'docs/configuration.md';
  docs.push({
    file: configuration,
    expected: await prettierMarkdown(configurationMarkdown(), path.join(REPO_ROOT, configuration)),
    current: read(configuration),
  });
  for (const { file, sections } of sectioned) {
    const current = read(file);
    if (current === null)
      throw new Error(`${file} is missing: it holds hand-written text around its sections`);
    let text = current;
    for (const [name, render] of Object.entries(sections)) text = replaceSection(text, name, render());
    docs.push({ file, expected: await prettierMarkdown(text, path.join(REPO_ROOT, file)), current });
  }
  return docs;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const doc of await renderDocs()) {
    if (doc.expected === doc.current) continue;
    stale.push(doc.file);
    if (!check) fs.writeFileSync(path.join(REPO_ROOT, doc.file), doc.expected);
  }
  if (check && stale.length > 0) {
    console.error(`stale: ${stale.join(', ')}; run: ${REGENERATE}`);
    process.exitCode = 1;
  } else {
    console.log(stale.length > 0 ? `wrote ${stale.join(', ')}` : 'docs are up to date');
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
