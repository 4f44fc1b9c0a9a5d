/**
 * Before the browser suite: build the app exactly as a user does (`vite build`, what `pnpm build` and the root
 * `pnpm start` run), so the suite tests the bundle `aigne-hub start` serves from apps/web/dist.
 *
 * - It runs in a child process with NODE_ENV=production: inside vitest NODE_ENV is `test`, and Vite would honour
 *   it and emit React's development build, which is not what users get.
 * - It is always done (a few seconds): a staleness check would have to know every workspace file in the bundle.
 * - It builds into a scratch folder and then swaps it in, so dist/ is never half-written: other packages' tests
 *   may start a hub on the default web folder at the same time (turbo runs packages side by side).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');

function viteBin(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('vite/package.json');
  const { bin } = require(manifest) as { bin: { vite: string } };
  return path.join(path.dirname(manifest), bin.vite);
}

export default async function setup(): Promise<void> {
  // Inside node_modules: ignored by git, lint and formatting, and on the same file system as dist/ (for rename).
  const scratch = path.join(root, 'node_modules', '.cache', `web-build-${process.pid}`);
  fs.rmSync(scratch, { recursive: true, force: true });
  try {
    await promisify(execFile)(
      process.execPath,
      [viteBin(), 'build', '--outDir', scratch, '--emptyOutDir', '--logLevel', 'warn'],
      {
        cwd: root,
        env: { ...process.env, NODE_ENV: 'production' },
        timeout: 180_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  } catch (error) {
    fs.rmSync(scratch, { recursive: true, force: true });
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`vite build failed before the browser suite:\n${stdout}${stderr}`, { cause: error });
  }
  const old = `${scratch}-old`;
  if (fs.existsSync(dist)) fs.renameSync(dist, old);
  fs.renameSync(scratch, dist);
  fs.rmSync(old, { recursive: true, force: true });
}
