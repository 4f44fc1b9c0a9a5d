/**
 * Test harness: a real hub on a temporary data folder over real HTTP, DID wallets made by @ocap/wallet, and
 * typed tRPC clients that authenticate like a browser (cookie + Origin) or a program (Bearer).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signLoginChallenge } from '@aigne-hub/core';
import { types } from '@ocap/mcrypto';
import { fromRandom, WalletType, type WalletObject } from '@ocap/wallet';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import pino from 'pino';
import { loadEnv } from '../src/env';
import { startHub, type RunningHub, type StartOptions } from '../src/hub';
import type { AppRouter } from '../src/routers/_app';

export interface TestHub {
  hub: RunningHub;
  dir: string;
  /** The hub's clock; tests move `offsetMs` to travel in time. */
  time: { offsetMs: number };
  close(): Promise<void>;
}

export async function startTestHub(
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<TestHub> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-test-'));
  const time = { offsetMs: 0 };
  const hub = await startHub(
    loadEnv({
      PORT: '0',
      HOST: '127.0.0.1',
      HUB_DATA_DIR: dir,
      HUB_WEB_DIR: path.join(dir, 'no-web'),
      ...env,
    }),
    { logger: pino({ level: 'silent' }), clock: () => new Date(Date.now() + time.offsetMs), ...options },
  );
  return {
    hub,
    dir,
    time,
    async close() {
      await hub.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function newWallet(kind: 'ed25519' | 'secp256k1' = 'ed25519'): WalletObject {
  return kind === 'ed25519' ? fromRandom() : fromRandom(WalletType({ pk: types.KeyType.SECP256K1 }));
}

export type HubClient = ReturnType<typeof createTRPCClient<AppRouter>>;

export interface Caller {
  trpc: HubClient;
  /** Headers sent with every request (tests may add or change them). */
  headers: Record<string, string>;
  /** The Set-Cookie headers of the last response. */
  lastSetCookie: string[];
}

/**
 * A client that behaves like a browser on the hub's origin: keeps the session cookie it is given and sends the
 * hub's Origin; or, with `bearer`, like a program.
 */
export function caller(url: string, auth: { bearer?: string; cookie?: string } = {}): Caller {
  const state: Caller = { trpc: undefined as unknown as HubClient, headers: {}, lastSetCookie: [] };
  if (auth.bearer) state.headers.authorization = `Bearer ${auth.bearer}`;
  if (auth.cookie) {
    state.headers.cookie = auth.cookie;
    state.headers.origin = new URL(url).origin;
  }
  state.trpc = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/api/trpc`,
        headers: () => state.headers,
        fetch: async (input: string | URL | Request, init?: RequestInit) => {
          const response = await fetch(input, init);
          state.lastSetCookie = response.headers.getSetCookie();
          return response;
        },
      }),
    ],
  });
  return state;
}

/** Signs in with a wallet over HTTP; returns the session token, the cookie header and a cookie-based caller. */
export async function signIn(url: string, wallet: WalletObject, setupCode?: string) {
  const anonymous = caller(url);
  const challenge = await anonymous.trpc.auth.challenge.mutate({ did: wallet.address });
  const proof = await signLoginChallenge(wallet, challenge.message);
  const result = await anonymous.trpc.auth.login.mutate({
    ...proof,
    nonce: challenge.nonce,
    ...(setupCode !== undefined && { setupCode }),
  });
  const setCookie = anonymous.lastSetCookie.find((c) => c.startsWith('aigne-hub-session='));
  if (!setCookie) throw new Error('login set no session cookie');
  const cookie = setCookie.split(';')[0]!;
  return {
    ...result,
    setCookie,
    cookie,
    session: caller(url, { cookie }),
    bearer: caller(url, { bearer: result.token }),
  };
}

/** The tRPC error code of a failed call, e.g. 'FORBIDDEN'. */
export async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) return (error.data as { code: string }).code;
    throw error;
  }
  throw new Error('expected the call to fail');
}
