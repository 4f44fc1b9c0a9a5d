/**
 * Where each database's committed migrations live, and how far a database has been migrated.
 *
 * drizzle's migrator records every applied migration in `__drizzle_migrations` with the `when` of its
 * journal entry as `created_at`, and applies every journal entry newer than the newest recorded one. The
 * status below follows the same rule, so "pending" here is exactly what `migrate()` would run.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';

export const DATABASE_KINDS = ['hub', 'auth'] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

/** drizzle's default bookkeeping table (we do not rename it, so drizzle-kit tooling keeps working). */
export const MIGRATIONS_TABLE = '__drizzle_migrations';

/**
 * The committed migrations folder of `kind`, resolved from this file rather than the working directory,
 * so the server finds them whatever folder it is started from.
 */
export function migrationsFolder(kind: DatabaseKind): string {
  return fileURLToPath(new URL(`../drizzle/${kind}`, import.meta.url));
}

export interface JournalEntry {
  /** File name without `.sql`, e.g. `0000_init`. */
  tag: string;
  /** Generation time in ms; drizzle uses it as the migration's identity and order. */
  when: number;
}

/** Reads `meta/_journal.json`, the list of migrations drizzle-kit generated, in order. */
export function readJournal(folder: string): JournalEntry[] {
  const parsed = JSON.parse(readFileSync(`${folder}/meta/_journal.json`, 'utf8')) as unknown;
  const entries = (parsed as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) throw new Error(`Malformed migration journal in ${folder}`);
  return entries.map((entry: unknown) => {
    const { tag, when } = entry as { tag?: unknown; when?: unknown };
    if (typeof tag !== 'string' || typeof when !== 'number') {
      throw new Error(`Malformed migration journal entry in ${folder}`);
    }
    return { tag, when };
  });
}

export interface MigrationStatus {
  kind: DatabaseKind;
  /** Migrations shipped with this build. */
  available: number;
  /** Rows in the database's migration table. */
  applied: number;
  /** Shipped migrations the database has not had yet (what opening it with `migrate` would apply). */
  pending: number;
  /**
   * Applied migrations this build does not know: the database was migrated by a newer build. Running an
   * older build against it is a downgrade and should not be reported as ready.
   */
  unrecognized: number;
  /** Tag of the newest applied migration this build knows, or null for an empty database. */
  level: string | null;
  /** True when nothing is pending and nothing is unrecognized. */
  upToDate: boolean;
}

interface MigrationRow {
  created_at: number | string | null;
}

function appliedTimes(sqlite: Database.Database): number[] {
  const table = sqlite
    .prepare<[string], { name: string }>("select name from sqlite_master where type = 'table' and name = ?")
    .get(MIGRATIONS_TABLE);
  if (!table) return [];
  return sqlite
    .prepare<[], MigrationRow>(`select created_at from "${MIGRATIONS_TABLE}"`)
    .all()
    .map((row) => Number(row.created_at));
}

/** How far `sqlite` (a `kind` database) has been migrated compared with the migrations in `folder`. */
export function migrationStatus(
  kind: DatabaseKind,
  sqlite: Database.Database,
  folder: string = migrationsFolder(kind),
): MigrationStatus {
  const journal = readJournal(folder);
  const applied = appliedTimes(sqlite);
  const newest = applied.length > 0 ? Math.max(...applied) : Number.NEGATIVE_INFINITY;
  const known = new Set(journal.map((entry) => entry.when));
  const pending = journal.filter((entry) => entry.when > newest).length;
  const unrecognized = applied.filter((when) => !known.has(when)).length;
  const level = journal.filter((entry) => applied.includes(entry.when)).at(-1)?.tag ?? null;
  return {
    kind,
    available: journal.length,
    applied: applied.length,
    pending,
    unrecognized,
    level,
    upToDate: pending === 0 && unrecognized === 0,
  };
}
