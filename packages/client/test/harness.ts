/**
 * A real hub on a temporary data folder, started in-process, with a fake OpenAI upstream on 127.0.0.1 (the
 * only fake the tests allow: it speaks OpenAI's real wire format). The owner signs in with a DID wallet
 * through this package and configures a provider, a credential and model rates through `client.api`, so the
 * set-up itself exercises the client.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadEnv, startHub, type RunningHub } from '@aigne-hub/server';
import { types } from '@ocap/mcrypto';
import { fromRandom, WalletType, type WalletObject } from '@ocap/wallet';
import pino from 'pino';
import { FakeOpenAI } from '../../../apps/server/test/fakes/openai';
import { signInWithWallet, type HubClient } from '../src/index';

export const UPSTREAM_KEY = 'sk-proj-clientTestKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export interface TestHub {
  hub: RunningHub;
  url: string;
  fake: FakeOpenAI;
  /** The owner's session client. */
  owner: HubClient;
  providerId: string;
  credentialId: string;
  /** Runs SQL on the hub's database (test set-up only: clearing a credential's cool-down). */
  sql(statement: string, ...params: unknown[]): void;
  close(): Promise<void>;
}

export function newWallet(kind: 'ed25519' | 'secp256k1' = 'ed25519'): WalletObject {
  return kind === 'ed25519' ? fromRandom() : fromRandom(WalletType({ pk: types.KeyType.SECP256K1 }));
}

/** Starts a bare hub (no owner yet); the caller closes it with `close()`. */
export async function startBareHub(): Promise<{ hub: RunningHub; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-client-'));
  const hub = await startHub(
    loadEnv({
      PORT: '0',
      HOST: '127.0.0.1',
      HUB_DATA_DIR: dir,
      // No built web app: unknown paths answer 404 instead of the app shell.
      HUB_WEB_DIR: path.join(dir, 'no-web'),
    }),
    { logger: pino({ level: 'silent' }) },
  );
  return {
    hub,
    async close() {
      await hub.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A hub with an owner and an `openai` provider (chat, embedding and image models) served by a fake. */
export async function startTestHub(): Promise<TestHub> {
  const bare = await startBareHub();
  const { hub } = bare;
  const fake = await FakeOpenAI.start({ keys: [UPSTREAM_KEY] });
  const { client: owner } = await signInWithWallet(hub.url, newWallet(), { setupCode: hub.setupCode! });
  const provider = await owner.api.providers.create.mutate({
    kind: 'openai',
    name: 'openai',
    baseUrl: fake.baseUrl,
  });
  const credential = await owner.api.credentials.create.mutate({
    providerId: provider.id,
    name: 'main',
    value: { api_key: UPSTREAM_KEY },
  });
  const rates = [
    { model: 'gpt-4o-mini', type: 'chat', inputRate: 0.001, outputRate: 0.002 },
    { model: 'text-embedding-3-small', type: 'embedding', inputRate: 0.0001, outputRate: 0 },
    { model: 'gpt-image-1', type: 'image', inputRate: 0, outputRate: 0.5 },
  ] as const;
  for (const rate of rates) await owner.api.modelRates.upsert.mutate({ provider: 'openai', ...rate });
  return {
    hub,
    url: hub.url,
    fake,
    owner,
    providerId: provider.id,
    credentialId: credential.id,
    sql(statement, ...params) {
      hub.services.hubDb.$client.prepare(statement).run(...params);
    },
    async close() {
      await fake.close();
      await bare.close();
    },
  };
}

/** Signs in a new person (role guest) and gives them an API key with `scopes`. */
export async function guestWithKey(
  url: string,
  scopes: ('ai' | 'api')[],
  extra: { rateLimitPerMinute?: number } = {},
) {
  const wallet = newWallet();
  const session = await signInWithWallet(url, wallet);
  const { key, secret } = await session.client.api.apiKeys.create.mutate({
    name: 'test key',
    scopes,
    ...extra,
  });
  return { wallet, session, key, secret };
}

/** The rejection of `promise` (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}
