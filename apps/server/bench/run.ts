/**
 * `pnpm bench`: the hub side by side with Portkey's open-source gateway and with the upstream alone, under the
 * same load from autocannon, against the same instant fake upstream (JSON, and a 50-chunk stream), at 1, 50 and
 * 200 connections; plus the hub's peak RSS under load, its cold start to first answered request, master-key
 * rotation of 10,000 credentials and `audit verify` of 1,000,000 events. Prints figures; asserts nothing.
 *
 * Environment: BENCH_SECONDS (per run, default 8), BENCH_CONNECTIONS (default 1,50,200), BENCH_SKIP (comma list of
 * portkey, stream, rotation, verify), BENCH_VERIFY_EVENTS (default 1000000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { benchKeys, BENCH_MODEL, prepareAuditTrail, prepareCredentials, prepareGateway } from './prepare';

const here = path.dirname(fileURLToPath(import.meta.url));
const serverDir = path.resolve(here, '..');
const repoDir = path.resolve(serverDir, '../..');
const bin = path.join(serverDir, 'bin/aigne-hub.js');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,50,200').split(',').map(Number);
const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const VERIFY_EVENTS = Number(process.env.BENCH_VERIFY_EVENTS ?? 1_000_000);
const PORTKEY_VERSION = '1.15.2';
const children: ChildProcess[] = [];

process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

function start(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (data: Buffer) => {
      out += data.toString();
      const match = ready.exec(out);
      if (match) resolve({ child, match });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${out.slice(-2000)}`)),
    );
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU time the server process spent per answered request (µs): a figure other load on the machine hardly moves. */
  cpuPerRequestUs: number;
}

/** User + system CPU time of a process so far, in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

async function load(
  url: string,
  headers: Record<string, string>,
  body: string,
  connections: number,
  pid?: number,
): Promise<Figures> {
  const run = (duration: number) =>
    autocannon({
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      connections,
      duration,
    });
  await run(1); // warm up (JIT, connection pools)
  const cpuBefore = cpuMsOf(pid);
  const result = await run(SECONDS);
  const cpuMs = cpuMsOf(pid) - cpuBefore;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
    cpuPerRequestUs: result.requests.total > 0 ? (cpuMs * 1000) / result.requests.total : NaN,
  };
}

function rssOf(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

async function ensurePortkey(): Promise<string> {
  const dir = path.join(repoDir, '.bench', `portkey-${PORTKEY_VERSION}`);
  const entry = path.join(dir, 'node_modules/@portkey-ai/gateway/build/start-server.js');
  if (!fs.existsSync(entry)) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), '{"private":true}');
    await new Promise<void>((resolve, reject) => {
      const npm = spawn(
        'npm',
        ['install', '--no-audit', '--no-fund', `@portkey-ai/gateway@${PORTKEY_VERSION}`],
        { cwd: dir, stdio: 'inherit' },
      );
      npm.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`npm install of Portkey failed (${code})`)),
      );
    });
  }
  return entry;
}

const fmt = (n: number, digits = 0) => (Number.isNaN(n) ? 'n/a' : n.toFixed(digits)).padStart(9);

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-'));
  const lines: string[] = [];
  const print = (line = '') => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };

  const upstream = await start(
    process.execPath,
    ['--import', 'tsx', path.join(here, 'fake-upstream.ts')],
    {},
    /ready (\d+)/,
  );
  const upstreamUrl = `http://127.0.0.1:${upstream.match[1]}`;

  const keys = benchKeys();
  const dataDir = path.join(work, 'gateway');
  const { apiKey } = prepareGateway(dataDir, keys, upstreamUrl);
  const hubEnv = {
    HUB_DATA_DIR: dataDir,
    HUB_ENCRYPTION_KEYS: keys,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  const hub = await start(process.execPath, [bin, 'start'], hubEnv, /is running at (http:\/\/\S+)/);
  const hubUrl = hub.match[1]!;
  let peakRss = rssOf(hub.child.pid!);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(hub.child.pid!))), 200);

  let portkeyUrl: string | null = null;
  let portkeyPid: number | undefined;
  if (!SKIP.has('portkey')) {
    const entry = await ensurePortkey();
    const port = 18787 + Math.floor(Math.random() * 1000);
    const portkey = await start(process.execPath, [entry, `--port=${port}`], {}, /Ready for connections/);
    portkeyUrl = `http://127.0.0.1:${port}`;
    portkeyPid = portkey.child.pid;
  }

  const body = (stream: boolean, model: string) =>
    JSON.stringify({
      model,
      messages: [{ role: 'user', content: 'Say fifty words.' }],
      ...(stream && { stream: true, stream_options: { include_usage: true } }),
    });
  const targets = {
    upstream: {
      url: `${upstreamUrl}/v1/chat/completions`,
      headers: { authorization: 'Bearer sk-bench-upstream-key-0000000000000000' },
      model: 'bench-model',
    },
    hub: {
      url: `${hubUrl}/api/v1/chat/completions`,
      headers: { authorization: `Bearer ${apiKey}` },
      model: BENCH_MODEL,
    },
    portkey: portkeyUrl
      ? {
          url: `${portkeyUrl}/v1/chat/completions`,
          headers: {
            authorization: 'Bearer sk-bench-upstream-key-0000000000000000',
            'x-portkey-provider': 'openai',
            'x-portkey-custom-host': `${upstreamUrl}/v1`,
          },
          model: 'bench-model',
        }
      : null,
  };

  print(
    `aigne-hub benchmark — ${os.cpus().length} cores, Node ${process.version}, ${SECONDS} s per run, full metering (billing on, usage record + charge + chained audit event per request)`,
  );
  print();
  print(
    'mode    conns |  upstream rps   p50   p99 |      hub rps   p50   p99 added p50 added p99 cpu µs/req |  portkey rps   p50   p99 cpu µs/req | hub/portkey',
  );
  const ratios: { connections: number; ratio: number }[] = [];
  for (const stream of SKIP.has('stream') ? [false] : [false, true]) {
    const mode = stream ? 'stream' : 'json';
    for (const connections of CONNECTIONS) {
      const direct = await load(
        targets.upstream.url,
        targets.upstream.headers,
        body(stream, targets.upstream.model),
        connections,
      );
      const viaHub = await load(
        targets.hub.url,
        targets.hub.headers,
        body(stream, targets.hub.model),
        connections,
        hub.child.pid,
      );
      const viaPortkey = targets.portkey
        ? await load(
            targets.portkey.url,
            targets.portkey.headers,
            body(stream, targets.portkey.model),
            connections,
            portkeyPid,
          )
        : null;
      const ratio = viaPortkey ? viaHub.rps / viaPortkey.rps : NaN;
      if (!stream) ratios.push({ connections, ratio });
      const cells = (f: Figures) => `${fmt(f.rps)} ${fmt(f.p50, 1)} ${fmt(f.p99, 1)}`;
      print(
        [
          `${mode.padEnd(6)} ${String(connections).padStart(5)} | ${cells(direct)}`,
          ` ${cells(viaHub)} ${fmt(viaHub.p50 - direct.p50, 1)} ${fmt(viaHub.p99 - direct.p99, 1)} ${fmt(viaHub.cpuPerRequestUs)}`,
          viaPortkey ? ` ${cells(viaPortkey)} ${fmt(viaPortkey.cpuPerRequestUs)}` : ' n/a'.padEnd(40),
          ` ${Number.isNaN(ratio) ? 'n/a' : `${ratio.toFixed(2)}x`}${viaHub.errors ? `  (hub errors: ${viaHub.errors})` : ''}`,
        ].join(' |'),
      );
    }
  }
  clearInterval(sampler);
  await stop(hub.child);
  print();
  print(`hub peak RSS under load: ${peakRss.toFixed(0)} MB`);

  // Cold start: from spawning the process to the first answered chat request.
  const began = performance.now();
  const cold = spawn(process.execPath, [bin, 'start'], {
    env: { ...process.env, ...hubEnv },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.push(cold);
  const coldUrl = await new Promise<string>((resolve) => {
    let out = '';
    cold.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /is running at (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
  });
  for (;;) {
    const response = await fetch(`${coldUrl}/api/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...targets.hub.headers },
      body: body(false, BENCH_MODEL),
    }).catch(() => null);
    if (response?.ok) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  print(`cold start to first answered request: ${(performance.now() - began).toFixed(0)} ms`);
  await stop(cold);

  if (!SKIP.has('rotation')) {
    const rotationDir = path.join(work, 'rotation');
    prepareCredentials(rotationDir, 10_000);
    const t0 = performance.now();
    await start(
      process.execPath,
      [bin, 'keys', 'rotate'],
      { HUB_DATA_DIR: rotationDir, LOG_LEVEL: 'warn' },
      /$^/,
    ).catch((error: Error) => {
      if (!/exited 0/.test(error.message)) throw error;
    });
    print(
      `master-key rotation of 10,000 credentials (keys rotate, whole command): ${(performance.now() - t0).toFixed(0)} ms`,
    );
  }

  if (!SKIP.has('verify')) {
    const verifyDir = path.join(work, 'verify');
    const verifyKeys = benchKeys();
    prepareAuditTrail(verifyDir, verifyKeys, VERIFY_EVENTS);
    const t0 = performance.now();
    await start(
      process.execPath,
      [bin, 'audit', 'verify'],
      { HUB_DATA_DIR: verifyDir, HUB_ENCRYPTION_KEYS: verifyKeys, LOG_LEVEL: 'warn' },
      /$^/,
    ).catch((error: Error) => {
      if (!/exited 0/.test(error.message)) throw error;
    });
    print(
      `audit verify of ${VERIFY_EVENTS.toLocaleString('en')} events (whole command): ${(performance.now() - t0).toFixed(0)} ms`,
    );
  }

  print();
  for (const { connections, ratio } of ratios) {
    print(
      `throughput ratio hub/portkey at ${connections} connections: ${Number.isNaN(ratio) ? 'n/a' : `${ratio.toFixed(2)}x`}`,
    );
  }
  fs.rmSync(work, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
