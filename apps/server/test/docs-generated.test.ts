/**
 * The docs cannot drift from the code: every generated file or section (scripts/gen-docs.ts) must be exactly
 * what the code renders now, the HTTP endpoint list must match the routes the app really registers, and the
 * README must link every doc. When one fails, run the command it names and commit the result.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../src/env';
import { appRouter } from '../src/routers/_app';
import {
  configurationMarkdown,
  HTTP_ENDPOINTS,
  parseRouteTree,
  proceduresMarkdown,
  registeredRoutes,
  renderDocs,
  type RenderedDoc,
  replaceSection,
  REPO_ROOT,
  roleMatrixMarkdown,
} from '../scripts/gen-docs';
import { EXPECTATIONS } from './role-matrix.expectations';

const REGENERATE = 'pnpm --filter @aigne-hub/server exec tsx scripts/gen-docs.ts';

describe('generated docs', () => {
  let rendered: Promise<RenderedDoc[]> | undefined;

  it.each(['docs/configuration.md', 'docs/security.md', 'docs/api.md', 'docs/operations.md'])(
    '%s is up to date',
    async (file) => {
      rendered ??= renderDocs();
      const doc = (await rendered).find((candidate) => candidate.file === file);
      expect(doc, `${file} is not generated`).toBeDefined();
      expect(doc!.current, `${file} is missing; run: ${REGENERATE}`).not.toBeNull();
      expect(doc!.current, `${file} is stale; run: ${REGENERATE}`).toBe(doc!.expected);
    },
  );

  it('the configuration reference names every environment variable with its default', () => {
    const markdown = configurationMarkdown();
    for (const name of Object.keys(envSchema.shape)) expect(markdown).toContain(`| \`${name}\``);
    expect(markdown).toMatch(/\| `PORT` +\| `8090` +\|/);
    expect(markdown).toMatch(/\| `healthProbe.paidProviders` +\| `false` +\|/);
  });

  it('the role matrix has one row per procedure, as the expectations say', () => {
    const rows = roleMatrixMarkdown()
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    expect(rows).toHaveLength(Object.keys(appRouter._def.procedures).length);
    expect(rows).toContain('| `users.transferOwnership` | — | — | — | yes | no (browser session only) |');
    expect(rows).toContain('| `auth.login` | yes | yes | yes | yes | n/a |');
    expect(rows).toContain('| `config.update` | — | — | yes | yes | yes, with the `api` scope |');
    expect(Object.keys(EXPECTATIONS).sort()).toEqual(Object.keys(appRouter._def.procedures).sort());
  });

  it('the procedure reference shows each procedure with its input fields', () => {
    const markdown = proceduresMarkdown();
    for (const name of Object.keys(appRouter._def.procedures)) expect(markdown).toContain(`#### \`${name}\``);
    expect(markdown).toContain('| `weight` | `integer` |  | 1–1000; default `100` |');
    expect(markdown).toContain('| `scopes` | `("ai" \\| "api")[]` |  | 1–2 items; default `["ai"]` |');
  });

  it('refuses to render into a file whose markers are gone', () => {
    expect(() => replaceSection('# no markers\n', 'role-matrix', 'x')).toThrow(
      'the markers of section "role-matrix" are missing',
    );
  });
});

describe('HTTP endpoints', () => {
  it('the documented endpoints are exactly the routes the app registers', async () => {
    const routes = await registeredRoutes();
    expect([...routes.keys()].sort()).toEqual(HTTP_ENDPOINTS.map((endpoint) => endpoint.path).sort());
    for (const endpoint of HTTP_ENDPOINTS) {
      for (const method of endpoint.methods) {
        expect(routes.get(endpoint.path), `${method} ${endpoint.path}`).toContain(method);
      }
    }
  });

  it('reads Fastify route trees, wildcards and nested segments included', () => {
    const tree = [
      '└── / (GET, HEAD)',
      '    ├── api/health (GET, HEAD)',
      '    ├── api/v1/models (GET, HEAD)',
      '    │   └── * (GET, HEAD)',
      '    ├── api/v2/chat (POST)',
      '    │   └── /completions (POST)',
      '    ├── api/trpc/:path (GET, HEAD, POST, OPTIONS)',
      '    └── metrics (GET, HEAD)',
    ].join('\n');
    expect(Object.fromEntries([...parseRouteTree(tree)].map(([p, methods]) => [p, [...methods]]))).toEqual({
      '/': ['GET'],
      '/api/health': ['GET'],
      '/api/v1/models': ['GET'],
      '/api/v1/models/*': ['GET'],
      '/api/v2/chat': ['POST'],
      '/api/v2/chat/completions': ['POST'],
      '/api/trpc/:path': ['GET', 'POST'],
      '/metrics': ['GET'],
    });
  });
});

describe('README', () => {
  it('links every doc from its Documentation section', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.split(/^## /m).find((part) => part.startsWith('Documentation'));
    expect(section, 'README.md has no "## Documentation" section').toBeDefined();
    const docs = fs.readdirSync(path.join(REPO_ROOT, 'docs')).filter((file) => file.endsWith('.md'));
    expect(docs.sort()).toEqual(['api.md', 'configuration.md', 'operations.md', 'security.md']);
    for (const doc of docs) expect(section).toContain(`](docs/${doc})`);
  });
});
