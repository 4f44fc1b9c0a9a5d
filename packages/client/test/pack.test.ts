/**
 * The package as npm users get it: `pnpm pack` (which builds it), then the tarball checked by publint and
 * are-the-types-wrong, installed with npm into a scratch project outside the workspace (next to `@ocap/wallet`
 * from the registry, as a user's program would have it), its declarations type-checked from an ESM and a CJS
 * consumer, the README's examples type-checked and run, and plain .mjs and .cjs programs run with node against
 * a live hub: sign in with a DID wallet, create a key, list models, chat, stream.
 *
 * Nothing is cached outside the temporary folder: npm gets a cache inside it, removed with it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newWallet, startTestHub, type TestHub } from './harness';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

let scratch: string;
let tarball: string;
let t: TestHub;
/** The type errors of the consumers and the README examples (see typeCheckConsumers). */
let typeErrors: Promise<string[]>;

/** Registry tools must not update themselves or write state outside the temporary folder. */
const quietEnv = { ...process.env, npm_config_update_notifier: 'false' };

/** pnpm as this test was started by it (CI runs a pinned pnpm through npx), else the one on PATH. */
function pnpm(args: string[], cwd: string) {
  const execPath = process.env.npm_execpath;
  return execPath && /pnpm/.test(path.basename(execPath))
    ? run(process.execPath, [execPath, ...args], { cwd, env: quietEnv })
    : run('pnpm', args, { cwd, env: quietEnv });
}

/** The version of a dev dependency installed here, so the scratch project gets the same one. */
function devVersion(name: string): string {
  const manifest = path.join(root, 'node_modules', ...name.split('/'), 'package.json');
  return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** Packs, and installs the tarball with npm into a project in a temporary folder. */
async function packAndInstall(): Promise<void> {
  const packed = await pnpm(['pack', '--pack-destination', scratch], root);
  expect(packed.stdout).toContain('aigne-hub-client-');
  tarball = path.join(
    scratch,
    fs.readdirSync(scratch).find((f) => f.endsWith('.tgz'))!,
  );
  fs.writeFileSync(
    path.join(scratch, 'package.json'),
    JSON.stringify({ name: 'scratch', private: true, type: 'module' }),
  );
  await run(
    'npm',
    [
      'install',
      tarball,
      `@ocap/wallet@${devVersion('@ocap/wallet')}`,
      `@types/node@${devVersion('@types/node')}`,
      '--cache',
      path.join(scratch, '.npm-cache'),
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      '--loglevel=error',
    ],
    { cwd: scratch, env: quietEnv },
  );
}

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-client-pack-'));
  // Outside the workspace: no pnpm-workspace.yaml or node_modules above it to resolve anything from.
  expect(path.relative(path.resolve(root, '../..'), scratch).startsWith('..')).toBe(true);
  // The hub starts while the package builds and installs (and is closed even if those fail).
  await Promise.all([startTestHub().then((hub) => (t = hub)), packAndInstall()]);
  // Checked while the other tests run; every test that needs it awaits it (so it is never unhandled).
  typeErrors = typeCheckConsumers();
  typeErrors.catch(() => undefined);
}, 120_000);

afterAll(async () => {
  await t?.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

/**
 * Type-checks `files` in the scratch project as a strict NodeNext program with Node's types, as a Node user's
 * project is; returns the errors, one per line, naming files relative to the project.
 */
async function typeCheckInScratch(files: string[]): Promise<string[]> {
  fs.writeFileSync(
    path.join(scratch, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        lib: ['ES2022'],
        types: ['node'],
        strict: true,
        noEmit: true,
        // The published declarations and everything they reference must compile too.
        skipLibCheck: false,
      },
      files,
    }),
  );
  const tsc = require.resolve('typescript/bin/tsc');
  const result = await run(process.execPath, [tsc, '-p', '.', '--pretty', 'false'], { cwd: scratch }).catch(
    (error: { stdout: string }) => error,
  );
  // tRPC's and the wallet library's own declarations want more than a consumer has (ws, the Disposable lib,
  // their own dev types): consumers skip lib checks for them. Everything else, this package's declarations
  // included, must be error-free.
  return result.stdout
    .split('\n')
    .filter((line) => /^\S.*\(\d+,\d+\): error /.test(line))
    .filter((line) => !/^node_modules\/(@trpc|@ocap|@arcblock)\//.test(line));
}

/** The README's TypeScript examples, in order, as one module (they build on each other, as a program would). */
function readmeExamples(): string {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  expect(blocks.length).toBeGreaterThanOrEqual(6);
  return blocks.join('\n');
}

/** A consumer of the typed API; each `@ts-expect-error` fails the check if the types were loose (`any`). */
const consumerSource = (flavour: string) => `
import { createHubClient, RateLimitedError, type ChatDelta, type HubRouterOutputs } from '@aigne-hub/client';

export async function use(): Promise<void> {
  const client = createHubClient({ url: 'http://hub', apiKey: 'ahk_x' });
  const me = await client.api.me.get.query();
  const role: 'owner' | 'admin' | 'guest' = me.role;
  // @ts-expect-error credits is a number
  const credits: string = me.credits;
  // @ts-expect-error there is no such procedure
  await client.api.me.nothing.query();
  // @ts-expect-error a key's name is a string
  await client.api.apiKeys.create.mutate({ name: 1 });
  const secret: string = (await client.api.apiKeys.create.mutate({ name: '${flavour}' })).secret;
  const usage: HubRouterOutputs['me']['usage'] = await client.api.me.usage.query({});
  for await (const delta of client.chatStream({ model: 'p/m', messages: [{ role: 'user', content: 'x' }] })) {
    const step: ChatDelta = delta;
    void step;
  }
  // @ts-expect-error retryAfter is a number or null
  const wait: string = new RateLimitedError('slow').retryAfter;
  void [role, credits, secret, usage, wait];
}
`;

/**
 * Writes the consumers and the README's examples into the scratch project and type-checks them in one `tsc`
 * run (one program is much cheaper than one per file). `readme-wrong.mts` is the README with one call renamed,
 * which must be the one error: it shows the check can fail.
 */
function typeCheckConsumers(): Promise<string[]> {
  const files = {
    'consumer.mts': consumerSource('esm'),
    'consumer.cts': consumerSource('cjs'),
    'readme.mts': `${readmeExamples()}\nexport {};\n`,
    'readme-wrong.mts': `${readmeExamples().replace('hub.chatStream(', 'hub.streamChat(')}\nexport {};\n`,
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(scratch, name), text);
  return typeCheckInScratch(Object.keys(files));
}

const installed = (...parts: string[]) =>
  path.join(scratch, 'node_modules', '@aigne-hub', 'client', ...parts);

describe('the packed package', () => {
  it('holds exactly the build, the README and package.json', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    expect(stdout.trim().split('\n').sort()).toEqual([
      'package/README.md',
      'package/dist/index.cjs',
      'package/dist/index.d.cts',
      'package/dist/index.d.ts',
      'package/dist/index.js',
      'package/package.json',
    ]);
    const manifest = JSON.parse(fs.readFileSync(installed('package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    // Catalog references resolved to real versions; only tRPC at run time.
    expect(manifest.dependencies).toEqual({ '@trpc/client': '11.22.1', '@trpc/server': '11.22.1' });
  });

  it('has declarations that inline the hub types and code without any server part', () => {
    for (const file of ['index.d.ts', 'index.d.cts']) {
      const text = fs.readFileSync(installed('dist', file), 'utf8');
      expect(text).not.toContain('@aigne-hub/');
      expect(text).toContain('type AppRouter = TRPCBuiltRouter<');
      const imports = [...text.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
      expect(new Set(imports)).toEqual(new Set(['@trpc/client', '@trpc/server']));
    }
    const esm = fs.readFileSync(installed('dist', 'index.js'), 'utf8');
    const cjs = fs.readFileSync(installed('dist', 'index.cjs'), 'utf8');
    expect(new Set([...esm.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]))).toEqual(
      new Set(['@trpc/client']),
    );
    expect(new Set([...cjs.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))).toEqual(
      new Set(['@trpc/client']),
    );
    for (const code of [esm, cjs]) {
      for (const serverPart of ['@aigne-hub', 'fastify', 'drizzle', 'better-sqlite3', 'appRouter']) {
        expect(code).not.toContain(serverPart);
      }
    }
    // Nor does anything in the build folder (the unpublished flattened router type included) name a private
    // workspace package.
    const built = fs
      .readdirSync(path.join(root, 'dist'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name));
    expect(built.length).toBe(5);
    for (const file of built)
      expect(fs.readFileSync(file, 'utf8'), file).not.toMatch(/@aigne-hub\/(server|core|db)/);
  });

  it('passes publint with no message at all', async () => {
    const data = fs.readFileSync(tarball);
    const { messages } = await publint({
      pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) },
      level: 'suggestion',
      strict: true,
    });
    expect(messages).toEqual([]);
  });

  it('passes are-the-types-wrong for node10, node16 (CJS and ESM) and bundlers', async () => {
    const cli = path.join(root, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
    const { stdout } = await run(process.execPath, [cli, tarball, '--format', 'json']);
    const report = JSON.parse(stdout) as {
      analysis: {
        problems: unknown[];
        entrypoints: Record<string, { resolutions: Record<string, unknown> }>;
      };
    };
    expect(report.analysis.problems).toEqual([]);
    expect(Object.keys(report.analysis.entrypoints['.']!.resolutions).sort()).toEqual([
      'bundler',
      'node10',
      'node16-cjs',
      'node16-esm',
    ]);
  }, 60_000);

  it('type-checks an ESM and a CJS consumer against the published declarations', async () => {
    const errors = await typeErrors;
    expect(errors.filter((line) => line.startsWith('consumer.'))).toEqual([]);
    // Every error is one of the files checked: none in this package's declarations.
    expect(errors.filter((line) => !/^(consumer|readme)/.test(line))).toEqual([]);
  }, 60_000);
});

describe('programs using the installed package against a live hub', () => {
  const program = {
    'run.mjs': `
import { createHubClient, signInWithWallet, UnauthorizedError } from '@aigne-hub/client';
import { fromRandom } from '@ocap/wallet';
const flavour = 'esm';
`,
    'run.cjs': `
const { createHubClient, signInWithWallet, UnauthorizedError } = require('@aigne-hub/client');
const { fromRandom } = require('@ocap/wallet');
const flavour = 'cjs';
`,
  };
  const body = `
async function main() {
  const url = process.env.HUB_URL;
  const wallet = fromRandom();
  const { user, client: session } = await signInWithWallet(url, wallet);
  const { secret } = await session.api.apiKeys.create.mutate({ name: 'pack ' + flavour, scopes: ['ai', 'api'] });
  const client = createHubClient({ url, apiKey: secret });
  const me = await client.api.me.get.query();
  const models = (await client.models()).map((m) => m.id).sort();
  const chat = await client.chat({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi from ' + flavour }] });
  const stream = client.chatStream({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'stream ' + flavour }] });
  let streamed = '';
  for await (const delta of stream) streamed += delta.content ?? '';
  const usage = await stream.usage;
  const refused = await createHubClient({ url, apiKey: 'ahk_wrongwrongwrongwrongwrongwrong00' }).models().catch((e) => e);
  console.log(JSON.stringify({
    did: user.did === 'did:abt:' + wallet.address, role: me.role, via: me.via, models, chat: chat.content,
    streamed, usage, refused: refused instanceof UnauthorizedError ? refused.status : String(refused),
  }));
}
main().catch((error) => { console.error(error); process.exit(1); });
`;

  it.each(Object.keys(program) as (keyof typeof program)[])(
    '%s signs in, makes a key, lists models, chats and streams',
    async (file) => {
      fs.writeFileSync(path.join(scratch, file), program[file] + body);
      const flavour = file === 'run.mjs' ? 'esm' : 'cjs';
      const { stdout } = await run(process.execPath, [file], {
        cwd: scratch,
        env: { ...process.env, HUB_URL: t.url },
        timeout: 30_000,
      });
      expect(JSON.parse(stdout)).toEqual({
        did: true,
        role: 'guest',
        via: 'apiKey',
        models: ['openai/gpt-4o-mini', 'openai/gpt-image-1', 'openai/text-embedding-3-small'],
        chat: `Echo: hi from ${flavour}`,
        streamed: `Echo: stream ${flavour}`,
        usage: { promptTokens: 11, completionTokens: 7, totalTokens: 18, cachedTokens: 0 },
        refused: 401,
      });
    },
    60_000,
  );
});

describe('the README', () => {
  it('has examples that type-check against the published declarations', async () => {
    const errors = (await typeErrors).filter((line) => line.startsWith('readme'));
    expect(errors).toEqual([
      expect.stringMatching(
        /^readme-wrong\.mts\(\d+,\d+\): error TS2339: Property 'streamChat' does not exist on type 'HubClient'\.$/,
      ),
    ]);
  }, 60_000);

  it('has examples that run, in order, against a live hub', async () => {
    // The only changes: the hub's address, and the types stripped (plain node runs it).
    const source = readmeExamples().replaceAll('https://hub.example.com', t.url);
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    fs.writeFileSync(path.join(scratch, 'readme.mjs'), outputText);
    const wallet = newWallet();
    const { stdout } = await run(process.execPath, ['readme.mjs'], {
      cwd: scratch,
      env: { ...process.env, MY_WALLET_SK: wallet.secretKey },
      timeout: 30_000,
    });
    const did = `did:abt:${wallet.address}`;
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${did} is guest until \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z$`));
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^key ahk_\\w+\\.\\.\\. acts as ${did}$`)),
      'Echo: What is a DID? (18 tokens)',
      'Echo: Tell a story',
      '(18 tokens)',
      '2 vectors, 1 image',
    ]);
  }, 60_000);
});
