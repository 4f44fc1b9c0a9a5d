/**
 * Readiness (`GET /api/ready`): can this hub serve AI traffic right now? Liveness (`/api/health`) only says
 * the process answers; a load balancer or Kubernetes should route to a hub only when it is ready:
 *
 * - both databases are open and answer a query;
 * - both are migrated exactly to this build's migrations (none pending, none from a newer build);
 * - at least one provider is enabled (without one every AI call fails).
 *
 * The reasons are meant for an operator and say nothing a stranger could use: no paths, no versions, no ids.
 */
import { migrationStatus, type DatabaseKind, type HubDatabases } from '@aigne-hub/db';

export type ReadinessCheck = 'databases' | 'migrations' | 'providers';

export interface Readiness {
  ready: boolean;
  checks: Record<ReadinessCheck, boolean>;
  /** Why the hub is not ready, one line per failed check (empty when ready). */
  reasons: string[];
}

export function checkReadiness(databases: HubDatabases): Readiness {
  const reasons: string[] = [];
  const open = (['hub', 'auth'] as const).filter((kind) => !answers(databases, kind));
  for (const kind of open) reasons.push(`the ${kind} database is not open`);
  const databasesOk = open.length === 0;

  let migrationsOk = databasesOk;
  if (databasesOk) {
    for (const kind of ['hub', 'auth'] as const) {
      const status = migrationStatus(kind, databases[kind].sqlite);
      if (status.pending > 0) {
        migrationsOk = false;
        reasons.push(`the ${kind} database has ${status.pending} migration(s) not applied`);
      }
      if (status.unrecognized > 0) {
        migrationsOk = false;
        reasons.push(`the ${kind} database was migrated by a newer build`);
      }
    }
  }

  let providersOk = false;
  if (databasesOk) {
    providersOk =
      databases.hub.sqlite.prepare('SELECT 1 FROM providers WHERE enabled = 1 LIMIT 1').get() !== undefined;
    if (!providersOk) reasons.push('no provider is enabled');
  }

  return {
    ready: reasons.length === 0,
    checks: { databases: databasesOk, migrations: migrationsOk, providers: providersOk },
    reasons,
  };
}

function answers(databases: HubDatabases, kind: DatabaseKind): boolean {
  const { sqlite } = databases[kind];
  if (!sqlite.open) return false;
  try {
    return sqlite.prepare('SELECT 1 AS one').get() !== undefined;
  } catch {
    return false;
  }
}
