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
      enabled: z
        .boolean()
        .describe('When on, AI calls need an enabled model rate and enough credits, and are charged.'),
    })
    .describe('Credits and charging'),
  credits: z
    .object({
      newUserCredits: z
        .number()
        .min(0)
        .max(1_000_000_000)
        .describe('Credits a user gets on first sign-in (whole or fractional credits).'),
    })
    .describe('Credits for new users'),
  sessions: z
    .object({
      idleTimeoutMinutes: z
        .number()
        .int()
        .min(5)
        .max(60 * 24 * 30)
        .describe('A browser session unused for this many minutes ends.'),
      absoluteTimeoutHours: z
        .number()
        .int()
        .min(1)
        .max(24 * 365)
        .describe('A browser session ends this many hours after sign-in, however active.'),
    })
    .describe('Browser session lifetimes'),
  rateLimits: z
    .object({
      apiKeyRequestsPerMinute: z
        .number()
        .int()
        .min(0)
        .max(1_000_000)
        .describe('Default AI requests per minute for an API key without its own limit (0 = unlimited).'),
      failedAuthPerIp: z
        .number()
        .int()
        .min(1)
        .max(10_000)
        .describe('Failed sign-ins or key checks from one IP address within 15 minutes before it gets 429.'),
      failedSignInsPerDid: z
        .number()
        .int()
        .min(1)
        .max(10_000)
        .describe(
          'Failed sign-ins for one DID from one IP address within 15 minutes before that pair gets 429.',
        ),
    })
    .describe('Rate limits'),
  audit: z
    .object({
      retentionDays: z
        .number()
        .int()
        .min(0)
        .max(36_500)
        .describe('Days to keep audit events (0 = keep forever); pruning is an explicit, audited job.'),
    })
    .describe('Audit trail retention'),
  gateway: z
    .object({
      upstreamTimeoutMs: z
        .number()
        .int()
        .min(1_000)
        .max(600_000)
        .describe(
          'Milliseconds an upstream provider may stay silent (before answering, or between two chunks of a stream) before the attempt is abandoned; an attempt abandoned before anything reached the client fails over.',
        ),
    })
    .describe('AI gateway'),
  healthProbe: z
    .object({
      enabled: z
        .boolean()
        .describe(
          'Probe cooled-down and invalid credentials in the background (one "list models" call each), so that a key that works again is put back into service without waiting for traffic.',
        ),
      paidProviders: z
        .boolean()
        .describe(
          'Also probe credentials of paid providers (every kind but ollama). Off by default: the probe then never calls a provider that bills or rate-limits the key.',
        ),
      intervalMinutes: z
        .number()
        .int()
        .min(1)
        .max(24 * 60)
        .describe(
          'Minutes between two checks of the same credential (a probe or an admin\'s "test" both count).',
        ),
    })
    .describe('Credential health probe'),
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
  healthProbe: { enabled: true, paidProviders: false, intervalMinutes: 15 },
};

/** A partial update: any subset of sections, each with any subset of its fields. Unknown keys are refused. */
const { billing, credits, sessions, rateLimits, audit, gateway, healthProbe } = settingsSchema.shape;
export const settingsPatchSchema = z
  .object({
    billing: billing.partial().strict().optional(),
    credits: credits.partial().strict().optional(),
    sessions: sessions.partial().strict().optional(),
    rateLimits: rateLimits.partial().strict().optional(),
    audit: audit.partial().strict().optional(),
    gateway: gateway.partial().strict().optional(),
    healthProbe: healthProbe.partial().strict().optional(),
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
