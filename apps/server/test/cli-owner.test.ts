/**
 * `aigne-hub owner set <did>` as a real command: on a stopped hub, and on a running one (two processes writing
 * one audit chain), plus the exit codes and help of every command.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SETUP_CODE_FILE } from '../src/auth/owner-setup';
import { auditRows, initHub, runHubCli, tempDir, withHub } from './cli-helpers';
import { newWallet, signIn, startTestHub } from './helpers';

let dir: string;
let vars: Record<string, string>;
beforeEach(() => {
  dir = tempDir('hub-owner-');
  vars = { HUB_DATA_DIR: dir };
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const didOf = () => `did:abt:${newWallet().address}`;
const userRow = (did: string) =>
  withHub(vars, (hub) =>
    hub.services.hubDb.$client.prepare('SELECT role, last_seen_at FROM users WHERE did = ?').get(did),
  );

describe('aigne-hub owner set', () => {
  it('creates the user as owner, destroys the setup code, and audits both steps in one chain', async () => {
    await initHub(vars);
    expect(fs.existsSync(path.join(dir, SETUP_CODE_FILE))).toBe(true);
    const did = didOf();

    const result = runHubCli(['owner', 'set', did], vars);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      `${did} is now an owner of this hub (new user).\nThe one-time setup code no longer works.\nSign in with this DID in DID Wallet to manage the hub.\n`,
    );
    expect(userRow(did)).toEqual({ role: 'owner', last_seen_at: null });
    expect(fs.existsSync(path.join(dir, SETUP_CODE_FILE))).toBe(false);
    withHub(vars, (hub) => {
      expect(
        hub.services.hubDb.$client
          .prepare("SELECT count(*) AS n FROM system_secrets WHERE name = 'owner_setup_code'")
          .get(),
      ).toEqual({ n: 0 });
      const rows = auditRows(hub).slice(-2);
      expect(rows.map((row) => [row.action, row.target_id, row.via, row.actor_did, row.ip])).toEqual([
        ['users.create', did, 'cli', null, null],
        ['users.setRole', did, 'cli', null, null],
      ]);
      expect(rows[0]!.request_id).toBe(rows[1]!.request_id);
      expect(JSON.parse(rows[1]!.details as string)).toEqual({
        from: 'guest',
        to: 'owner',
        by: 'owner set',
        setupCodeDestroyed: true,
      });
      expect(hub.services.audit.verify()).toMatchObject({ ok: true, count: 3 });
    });

    // Again: nothing to do, nothing written.
    const again = runHubCli(['owner', 'set', did.replace('did:abt:', '')], vars);
    expect(again.status).toBe(0);
    expect(again.stdout).toBe(`${did} is already an owner; nothing changed.\n`);
    withHub(vars, (hub) => expect(auditRows(hub)).toHaveLength(3));
  });

  it('promotes an existing user', async () => {
    await initHub(vars);
    const did = didOf();
    withHub(vars, (hub) =>
      hub.services.hubDb.$client
        .prepare("INSERT INTO users (did, role, last_seen_at) VALUES (?, 'admin', 1000)")
        .run(did),
    );
    const result = runHubCli(['owner', 'set', did, '--data-dir', dir], {});
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`${did} is now an owner of this hub (was admin).`);
    expect(userRow(did)).toEqual({ role: 'owner', last_seen_at: 1000 });
  });

  it('works while the hub is running: the new owner signs in as owner, and the chain stays whole', async () => {
    const t = await startTestHub();
    try {
      const wallet = newWallet();
      const did = `did:abt:${wallet.address}`;
      const result = runHubCli(['owner', 'set', did], { HUB_DATA_DIR: t.dir });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const signedIn = await signIn(t.hub.url, wallet);
      expect(signedIn.user.role).toBe('owner');
      const verified = await signedIn.session.trpc.auditEvents.verify.query();
      expect(verified).toMatchObject({ ok: true });
      // The hub appended after the command, onto the command's events.
      const actions = (
        t.hub.services.hubDb.$client.prepare('SELECT action FROM audit_events ORDER BY seq').all() as {
          action: string;
        }[]
      ).map((row) => row.action);
      expect(actions.slice(-4)).toEqual([
        'users.create',
        'users.setRole',
        'auth.login',
        'auditEvents.verify',
      ]);
    } finally {
      await t.close();
    }
  });

  it('refuses a malformed DID as a usage error, without touching the hub', async () => {
    await initHub(vars);
    const result = runHubCli(['owner', 'set', 'did:abt:not-a-real-did'], vars);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'aigne-hub: that is not a valid DID (expected did:abt:z... as shown by DID Wallet)\n',
    );
    withHub(vars, (hub) => expect(auditRows(hub)).toHaveLength(1));
  });

  it('fails with one line when there is no hub', () => {
    const result = runHubCli(['owner', 'set', didOf()], vars);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^aigne-hub: no hub in .*\n$/);
  });
});

describe('every command', () => {
  it.each([
    ['owner', 'set'],
    ['keys', 'rotate'],
    ['keys', 'import-blocklet'],
    ['audit', 'verify'],
    ['audit', 'export'],
  ])('%s %s --help prints its usage and exits 0', (group, command) => {
    const result = runHubCli([group, command, '--help'], {});
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Usage: aigne-hub ${group} ${command}`);
    expect(result.stdout).toContain('--data-dir');
  });

  it('exits 2 with one line for a missing argument or an unknown option, and shows group help for a bare group', () => {
    const missing = runHubCli(['owner', 'set'], {});
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe("aigne-hub: missing required argument 'did' (see --help)\n");
    const unknown = runHubCli(['audit', 'verify', '--fast'], {});
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe("aigne-hub: unknown option '--fast' (see --help)\n");
    const bare = runHubCli(['keys'], {});
    expect(bare.status).toBe(2);
    expect(bare.stderr).toContain('Usage: aigne-hub keys');
  });
});
