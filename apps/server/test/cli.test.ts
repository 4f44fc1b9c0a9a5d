// The `aigne-hub` command as an operator runs it: a real child process, real files, real HTTP.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/aigne-hub.js', import.meta.url));
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-cli-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}

describe('aigne-hub start', () => {
  it('starts, prints the URL and the key-file notice, and answers /api/health', async () => {
    const child = spawn(process.execPath, [bin, 'start', '--port', '0', '--host', '127.0.0.1'], {
      cwd: dir,
      env: cleanEnv({}),
    });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed; got: ${out}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /is running at (http:\/\/\S+)/.exec(out);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const health = (await (await fetch(`${url}/api/health`)).json()) as { ok: boolean };
      expect(health.ok).toBe(true);
      expect(out).toContain('BACK IT UP');
      expect(fs.existsSync(path.join(dir, 'data', 'hub.db'))).toBe(true);
      expect(fs.existsSync(path.join(dir, 'data', 'auth.db'))).toBe(true);
      expect(fs.statSync(path.join(dir, 'data', 'master.key')).mode & 0o777).toBe(0o600);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('exits non-zero with a one-line reason for a malformed HUB_ENCRYPTION_KEYS, echoing nothing of it', () => {
    const secretish = 'c2VjcmV0LWJ1dC13cm9uZy1sZW5ndGg=';
    const result = spawnSync(process.execPath, [bin, 'start', '--port', '0'], {
      cwd: dir,
      env: cleanEnv({ HUB_ENCRYPTION_KEYS: secretish }),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^aigne-hub: .*HUB_ENCRYPTION_KEYS/);
    expect(result.stderr + result.stdout).not.toContain(secretish);
    expect(fs.existsSync(path.join(dir, 'data', 'master.key'))).toBe(false);
  });

  it('rejects a bad PORT with a one-line reason', () => {
    const result = spawnSync(process.execPath, [bin, 'start'], {
      cwd: dir,
      env: cleanEnv({ PORT: 'eighty' }),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(/^aigne-hub: PORT /);
  });

  it('prints help and exits 0', () => {
    const result = spawnSync(process.execPath, [bin, '--help'], {
      cwd: dir,
      env: cleanEnv({}),
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('start');
  });

  it('exits non-zero for an unknown command', () => {
    const result = spawnSync(process.execPath, [bin, 'launch'], {
      cwd: dir,
      env: cleanEnv({}),
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("unknown command 'launch'");
  });
});
