/**
 * What a backup says about itself (`manifest.json`, the archive's first member), read from the database copies
 * themselves so that it describes exactly what was copied: the hub version and migration level, the master key ids
 * the secrets are under (the keys a restore needs), the audit head, and row counts that a restore checks again.
 * Never a key, a secret or a credential value.
 */
import {
  credentialValueKeyIds,
  keyIdOf,
  type AuditChainHead,
  type StoredCredentialValue,
} from '@aigne-hub/core';
import { migrationStatus, type SqliteConnection } from '@aigne-hub/db';
import { z } from 'zod';

export const BACKUP_FORMAT = 'aigne-hub-backup';
export const BACKUP_FORMAT_VERSION = 1;
export const MANIFEST_NAME = 'manifest.json';
/** The databases a backup holds, in archive order. */
export const BACKUP_DATABASES = [
  { kind: 'hub', file: 'hub.db' },
  { kind: 'auth', file: 'auth.db' },
] as const;

const hash = z.string().regex(/^[0-9a-f]{64}$/);
const count = z.number().int().min(0);

const contentsSchema = z.object({
  migrations: z.object({ hub: z.string().nullable(), auth: z.string().nullable() }),
  keyIds: z.array(z.string()),
  audit: z.object({
    events: count,
    firstSeq: count.nullable(),
    head: z.object({ seq: count, hash }).nullable(),
  }),
  counts: z.object({
    users: count,
    providers: count,
    credentials: count,
    apiKeys: count,
    usageRecords: count,
    creditTransactions: count,
    sessions: count,
  }),
});

export const manifestSchema = contentsSchema.extend({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
  hubVersion: z.string(),
  createdAt: z.string(),
  files: z.array(z.object({ name: z.string(), bytes: count, sha256: hash })),
});

/** What the database copies hold. */
export type BackupContents = z.infer<typeof contentsSchema>;
export type BackupManifest = z.infer<typeof manifestSchema>;

/** Reads the facts of a manifest from a hub.db and an auth.db (the backup's copies, or a restored pair). */
export function inspectDatabases(hub: SqliteConnection, auth: SqliteConnection): BackupContents {
  const rows = (table: string) =>
    (hub.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const audit = hub.prepare('SELECT count(*) AS events, min(seq) AS firstSeq FROM audit_events').get() as {
    events: number;
    firstSeq: number | null;
  };
  const head = (hub.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() ??
    null) as AuditChainHead | null;
  return {
    migrations: {
      hub: migrationStatus('hub', hub).level,
      auth: migrationStatus('auth', auth).level,
    },
    keyIds: keyIdsInUse(hub),
    audit: { events: audit.events, firstSeq: audit.firstSeq, head },
    counts: {
      users: rows('users'),
      providers: rows('providers'),
      credentials: rows('credentials'),
      apiKeys: rows('api_keys'),
      usageRecords: rows('usage_records'),
      creditTransactions: rows('credit_transactions'),
      sessions: (auth.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n,
    },
  };
}

/**
 * The master key ids the encrypted values are under (credential secrets and the hub's own secrets), sorted: the
 * keys a restore needs. Values that are not this hub's envelopes (a credential still holding @blocklet/sdk
 * ciphertext) are under no key of ours and are skipped.
 */
export function keyIdsInUse(hub: SqliteConnection): string[] {
  const ids = new Set<string>();
  const tryAdd = (read: () => readonly string[]) => {
    try {
      for (const id of read()) ids.add(id);
    } catch {
      // not one of our envelopes: no key id to report
    }
  };
  for (const row of hub.prepare('SELECT value FROM credentials').iterate() as Iterable<{ value: string }>) {
    tryAdd(() => credentialValueKeyIds(JSON.parse(row.value) as StoredCredentialValue));
  }
  for (const row of hub.prepare('SELECT value FROM system_secrets').iterate() as Iterable<{
    value: string;
  }>) {
    tryAdd(() => [keyIdOf(row.value)]);
  }
  return [...ids].sort();
}

/** Parses and checks `manifest.json`; throws with a one-line reason naming the first bad field. */
export function parseManifest(data: Buffer): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch {
    throw new Error('its manifest.json is not JSON');
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`its manifest.json is not an aigne-hub backup manifest (${issue?.path.join('.') ?? ''})`);
  }
  return parsed.data;
}
