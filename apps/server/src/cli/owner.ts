/**
 * `aigne-hub owner set <did>`: make a DID an owner from the machine the hub runs on, the way out when nobody
 * can use the setup code (or every owner lost their wallet). Whoever can run this can read the data folder
 * anyway, so it needs no other proof.
 *
 * It works while the hub runs: SQLite in WAL mode lets two processes share hub.db, and audit appends read the
 * chain head inside an IMMEDIATE transaction, so the hub and this command cannot fork the chain.
 */
import { parseAbtDid, type Role } from '@aigne-hub/core';
import { eq, systemSecrets, users } from '@aigne-hub/db';
import type { Command } from 'commander';
import { writeTransaction } from '../audit/audit-trail';
import { consumeSetupCode } from '../auth/owner-setup';
import { SETUP_CODE_SECRET } from '../keys/system-secrets';
import { CLI_ACTOR, cliLogger, cliRequest, openExistingHub } from '../runtime/offline';
import type { HubServices } from '../services';
import { ensureUser, findUser, fromMicroCredits } from '../users/users';
import { UsageError, commandEnv, print, withDataDir, type DataDirOptions } from './common';

export interface SetOwnerResult {
  did: string;
  /** The user did not exist and was created. */
  created: boolean;
  /** The role before (null when created). */
  from: Role | null;
  /** The user already was an owner: nothing changed. */
  unchanged: boolean;
  /** A pending owner setup code existed and was destroyed. */
  setupCodeDestroyed: boolean;
}

/** Validates `input` as a DID; a usage error (exit 2) names what is wrong, never the rest of the input. */
export function parseDidArgument(input: string): string {
  const parsed = parseAbtDid(input.trim());
  if (!parsed.ok) {
    throw new UsageError(
      parsed.reason === 'malformed'
        ? 'that is not a valid DID (expected did:abt:z... as shown by DID Wallet)'
        : 'that DID uses a key type this hub does not support (ed25519 or secp256k1 DID Wallet accounts only)',
    );
  }
  return parsed.value.did;
}

/**
 * Creates the user if needed, sets role owner and destroys the setup code, in one transaction with its audit
 * events (`users.create` for a new user, `users.setRole`).
 */
export function setOwner(services: HubServices, did: string): SetOwnerResult {
  const request = cliRequest();
  return writeTransaction(services.hubDb, (tx) => {
    const existing = findUser(tx, did);
    if (existing?.role === 'owner') {
      return { did, created: false, from: 'owner', unchanged: true, setupCodeDestroyed: false };
    }
    if (!existing) {
      const { user } = ensureUser(tx, did, services.settings.get().credits.newUserCredits, services.clock());
      services.audit.append(tx, CLI_ACTOR, request, {
        action: 'users.create',
        outcome: 'success',
        targetType: 'user',
        targetId: did,
        details: { role: user.role, credits: fromMicroCredits(user.credits), by: 'owner set' },
      });
    }
    // A user made here has never signed in: no "last seen".
    tx.update(users)
      .set({ role: 'owner', ...(!existing && { lastSeenAt: null }) })
      .where(eq(users.did, did))
      .run();
    const pendingCode =
      tx
        .select({ name: systemSecrets.name })
        .from(systemSecrets)
        .where(eq(systemSecrets.name, SETUP_CODE_SECRET))
        .get() !== undefined;
    consumeSetupCode(tx, services.env.dataDir);
    services.audit.append(tx, CLI_ACTOR, request, {
      action: 'users.setRole',
      outcome: 'success',
      targetType: 'user',
      targetId: did,
      details: {
        from: existing?.role ?? 'guest',
        to: 'owner',
        by: 'owner set',
        setupCodeDestroyed: pendingCode,
      },
    });
    return {
      did,
      created: !existing,
      from: existing?.role ?? null,
      unchanged: false,
      setupCodeDestroyed: pendingCode,
    };
  });
}

export function registerOwnerCommands(program: Command): void {
  const owner = program.command('owner').description('Manage the owners of the hub.');
  withDataDir(
    owner
      .command('set')
      .description(
        'Make a DID an owner (creating the user if needed) and destroy the one-time setup code. Works while the hub runs.',
      )
      .argument('<did>', 'the DID to make owner, e.g. did:abt:z1...'),
  ).action((didArgument: string, opts: DataDirOptions) => {
    const did = parseDidArgument(didArgument);
    const env = commandEnv(opts);
    const hub = openExistingHub(env, cliLogger(env));
    try {
      const result = setOwner(hub.services, did);
      if (result.unchanged) {
        print(`${did} is already an owner; nothing changed.`);
        return;
      }
      print(
        `${did} is now an owner of this hub${result.created ? ' (new user)' : ` (was ${result.from})`}.`,
        ...(result.setupCodeDestroyed ? ['The one-time setup code no longer works.'] : []),
        'Sign in with this DID in DID Wallet to manage the hub.',
      );
    } finally {
      hub.close();
    }
  });
}
