/**
 * Hub-wide settings that admins change at run time (the `config` router), stored in the `config` table as one
 * JSON row per section. Every value has a default, so a fresh hub works without any row; a stored value that
 * no longer validates (written by an older build) falls back to the default rather than breaking start-up.
 */
import { config, type HubDatabase, type HubTransaction } from '@aigne-hub/db';
import { z } from 'zod';

export const settingsSchema = z.object({
  billing: z
    .object({
      /** When on, AI calls need an enabled model rate and enough credits, and are charged. */
      enabled: z.boolean(),
    })
    .describe('Credits and charging'),
  credits: z
    .object({
      /** Credits a user gets on first sign-in (whole or fractional credits). */
      newUserCredits: z.number().min(0).max(1_000_000_000),
    })
    .describe('Credits for new users'),
  sessions: z
    .object({
      idleTimeoutMinutes: z
        .number()
        .int()
        .min(5)
        .max(60 * 24 * 30),
      absoluteTimeoutHours: z
        .number()
        .int()
        .min(1)
        .max(24 * 365),
    })
    .describe('Browser session lifetimes'),
  rateLimits: z
    .object({
      /** Default requests per minute for an API key without its own limit (0 = unlimited). */
      apiKeyRequestsPerMinute: z.number().int().min(0).max(1_000_000),
      /** Failed sign-ins or key checks from one IP address within 15 minutes before it gets 429. */
      failedAuthPerIp: z.number().int().min(1).max(10_000),
      /** Failed sign-ins for one DID from one IP within 15 minutes before that pair gets 429. */
      failedSignInsPerDid: z.number().int().min(1).max(10_000),
    })
    .describe('Rate limits'),
  audit: z
    .object({
      /** Days to keep audit events (0 = keep forever); pruning is an explicit, audited job. */
      retentionDays: z.number().int().min(0).max(36_500),
    })
    .describe('Audit trail retention'),
  gateway: z
    .object({
      /** Time allowed for an upstream provider to answer (ms). */
      upstreamTimeoutMs: z.number().int().min(1_000).max(600_000),
    })
    .describe('AI gateway'),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingsSection = keyof Settings;
export const SETTINGS_SECTIONS = Object.keys(settingsSchema.shape) as SettingsSection[];

export const DEFAULT_SETTINGS: Settings = {
  billing: { enabled: false },
  credits: { newUserCredits: 0 },
  sessions: { idleTimeoutMinutes: 12 * 60, absoluteTimeoutHours: 7 * 24 },
  rateLimits: { apiKeyRequestsPerMinute: 600, failedAuthPerIp: 30, failedSignInsPerDid: 10 },
  audit: { retentionDays: 0 },
  gateway: { upstreamTimeoutMs: 120_000 },
};

/** A partial update: any subset of sections, each with any subset of its fields. Unknown keys are refused. */
const { billing, credits, sessions, rateLimits, audit, gateway } = settingsSchema.shape;
export const settingsPatchSchema = z
  .object({
    billing: billing.partial().strict().optional(),
    credits: credits.partial().strict().optional(),
    sessions: sessions.partial().strict().optional(),
    rateLimits: rateLimits.partial().strict().optional(),
    audit: audit.partial().strict().optional(),
    gateway: gateway.partial().strict().optional(),
  })
  .strict();

export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

const CONFIG_KEY_PREFIX = 'settings.';

/** Reads and writes settings; keeps the merged value cached until the next change through it. */
export class SettingsStore {
  #cache: Settings | undefined;

  constructor(private readonly db: HubDatabase) {}

  get(): Settings {
    this.#cache ??= this.read(this.db);
    return this.#cache;
  }

  /** Forgets the cached value (another process may have changed the table). */
  invalidate(): void {
    this.#cache = undefined;
  }

  read(tx: HubDatabase | HubTransaction): Settings {
    const rows = tx.select().from(config).all();
    const stored = new Map(rows.map((row) => [row.key, row.value]));
    const result = structuredClone(DEFAULT_SETTINGS) as Record<SettingsSection, unknown>;
    for (const section of SETTINGS_SECTIONS) {
      const merged = { ...DEFAULT_SETTINGS[section], ...asObject(stored.get(CONFIG_KEY_PREFIX + section)) };
      const parsed = settingsSchema.shape[section].safeParse(merged);
      if (parsed.success) result[section] = parsed.data;
    }
    return result as Settings;
  }

  /**
   * Applies `patch` inside `tx` and returns the settings before and after (for the audit event). Validates the
   * merged result, so a patch can never store an invalid section.
   */
  update(
    tx: HubTransaction,
    patch: SettingsPatch,
    actorDid: string | null,
  ): { before: Settings; after: Settings; changed: SettingsSection[] } {
    const before = this.read(tx);
    const after = structuredClone(before) as Record<SettingsSection, unknown>;
    const changed: SettingsSection[] = [];
    for (const section of SETTINGS_SECTIONS) {
      const part = patch[section];
      if (part === undefined) continue;
      const next = settingsSchema.shape[section].parse({ ...before[section], ...part });
      if (JSON.stringify(next) === JSON.stringify(before[section])) continue;
      after[section] = next;
      changed.push(section);
      tx.insert(config)
        .values({ key: CONFIG_KEY_PREFIX + section, value: next, updatedBy: actorDid })
        .onConflictDoUpdate({ target: config.key, set: { value: next, updatedBy: actorDid } })
        .run();
    }
    this.#cache = undefined;
    return { before, after: after as Settings, changed };
  }
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
