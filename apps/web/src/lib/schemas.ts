/**
 * The input schemas the forms validate with: the hub's own rules, so a form refuses exactly what the hub would
 * refuse, before sending it.
 *
 * Where a server `*.schema.ts` is pure zod all the way down it is imported as it is (`loginInput`,
 * `rotateApiKeyInput`). The other form schemas cannot be: through the barrels `@aigne-hub/db` (better-sqlite3,
 * node:fs), `@aigne-hub/core` (node:crypto), `providers/index` (the provider SDKs) and `auth/api-keys` they pull
 * Node-only modules into the bundle, which break the page at load (and the Vite dev server outright). Those are
 * restated here, rule for rule, each naming its source; `schemas.test.ts` compares every one with the server's
 * original (same JSON Schema shape, same verdict and message on sample inputs), so they cannot drift apart
 * unnoticed.
 */
import { z } from 'zod';

import { loginInput } from '../../../server/src/routers/auth/login.schema';

export { rotateApiKeyInput } from '../../../server/src/routers/api-keys/by-id.schema';

/** The owner setup code as `auth.login` takes it (the DID Connect status call takes the same). */
export const setupCodeInput = loginInput.shape.setupCode.unwrap();

// --- Roles, DIDs (core rbac/roles.ts, did-auth/did.ts; routers/users/*.schema.ts) ---------------------------

export const ROLES = ['owner', 'admin', 'guest'] as const;
export type RoleName = (typeof ROLES)[number];
const DID_ABT_PREFIX = 'did:abt:';

/** routers/users/by-did.schema.ts `didSchema`. */
export const didSchema = z
  .string()
  .trim()
  .min(1, 'a DID is required')
  .max(200, 'a DID is at most 200 characters')
  .transform((value) => (value.startsWith('did:') ? value : DID_ABT_PREFIX + value));

/** routers/users/set-role.schema.ts. */
export const setRoleInput = z
  .object({ did: didSchema, role: z.enum(ROLES, { error: 'role must be owner, admin or guest' }) })
  .strict();

const MICRO_CREDITS_PER_CREDIT = 1_000_000;
export const MAX_CREDIT_CHANGE = 1_000_000_000;

/** routers/users/grant-credits.schema.ts `isWholeMicroCredits`. */
function isWholeMicroCredits(credits: number): boolean {
  return Math.round(credits * MICRO_CREDITS_PER_CREDIT) / MICRO_CREDITS_PER_CREDIT === credits;
}

/** routers/users/grant-credits.schema.ts. */
export const grantCreditsInput = z
  .object({
    did: didSchema,
    amount: z
      .number()
      .refine((value) => value !== 0, 'amount must not be zero')
      .refine(
        (value) => Math.abs(value) <= MAX_CREDIT_CHANGE,
        `amount is at most ${MAX_CREDIT_CHANGE} credits`,
      )
      .refine(isWholeMicroCredits, 'amount has at most 6 decimals'),
    reason: z.string().trim().min(1, 'a reason is required').max(500, 'the reason is at most 500 characters'),
  })
  .strict();

// --- API keys (routers/api-keys/create.schema.ts; scopes from auth/api-keys.ts) --------------------------------

export const API_KEY_SCOPES = ['ai', 'api'] as const;

const modelPattern = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:*-]+(\/[A-Za-z0-9._:*/-]+)?$/, 'must look like provider/model, provider/* or model');

/**
 * `createApiKeyInput` without `allowedIps`: the server normalises CIDR ranges with ipaddr.js, and the form does
 * not offer address rules (the API does).
 */
export const createApiKeyInput = z
  .object({
    name: z.string().trim().min(1, 'a name is required').max(100),
    scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(API_KEY_SCOPES.length).default(['ai']),
    expiresAt: z.iso
      .datetime({ offset: true })
      .optional()
      .refine((value) => value === undefined || Date.parse(value) > Date.now(), 'must be in the future'),
    allowedModels: z.array(modelPattern).min(1).max(100).optional(),
    rateLimitPerMinute: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

// --- Providers (routers/providers/fields.ts, create/update.schema.ts; kinds from db, URL rules from endpoint.ts) --

export const PROVIDER_KINDS = [
  'openai',
  'anthropic',
  'google',
  'bedrock',
  'deepseek',
  'xai',
  'openrouter',
  'ollama',
  'openai-compatible',
] as const;
export type ProviderKindName = (typeof PROVIDER_KINDS)[number];

export const providerName = z
  .string()
  .trim()
  .min(1, 'a name is required')
  .max(64, 'at most 64 characters')
  .regex(
    /^[a-z0-9][a-z0-9._-]*$/,
    'lowercase letters, digits, ".", "_" and "-" only, starting with a letter or digit',
  );

const displayName = z.string().trim().min(1, 'must not be empty').max(100);

/** providers/endpoint.ts `normalizeBaseUrl`: the rule that failed, never the input (it may carry a key). */
function normalizeBaseUrl(input: string, ctx: z.RefinementCtx): string {
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  const text = input.trim();
  if (text.length === 0) return fail('Base URL is empty');
  if (text.length > 500) return fail('Base URL is longer than 500 characters');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('Base URL is not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return fail('Base URL must start with http:// or https://');
  if (url.username !== '' || url.password !== '') {
    return fail('Base URL must not contain a user name or password; put keys in a credential');
  }
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(text)) {
    return fail('Base URL must not have a query string or fragment');
  }
  if (url.hostname === '') return fail('Base URL has no host');
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

const baseUrl = z.string().max(500, 'at most 500 characters').transform(normalizeBaseUrl);

const AWS_REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
const region = z
  .string()
  .max(32)
  .transform((value, ctx) => {
    const trimmed = value.trim();
    if (!AWS_REGION.test(trimmed) || trimmed.length > 32) {
      ctx.addIssue({ code: 'custom', message: 'Region must be an AWS region name such as us-east-1' });
      return z.NEVER;
    }
    return trimmed;
  });

export const createProviderInput = z
  .object({
    kind: z.enum(PROVIDER_KINDS, { message: `must be one of ${PROVIDER_KINDS.join(', ')}` }),
    name: providerName,
    displayName: displayName.optional(),
    baseUrl: baseUrl.optional(),
    region: region.optional(),
    enabled: z.boolean().default(true),
  })
  .strict();

const providerId = z.string().trim().min(1, 'an id is required').max(100);

export const updateProviderInput = z
  .object({
    id: providerId,
    name: providerName.optional(),
    displayName: displayName.optional(),
    baseUrl: baseUrl.nullable().optional(),
    region: region.optional(),
  })
  .strict();

// --- Credentials (routers/credentials/fields.ts, create/update.schema.ts) ---------------------------------------

const credentialName = z.string().trim().min(1, 'a name is required').max(100, 'at most 100 characters');

export const weight = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(1000, 'must be at most 1000');

const secretText = z.string().trim().min(1, 'must not be empty').max(4096, 'at most 4096 characters');

const accessKeyId = z
  .string()
  .trim()
  .regex(/^[A-Z0-9]{16,128}$/, 'must be an AWS access key id (16 to 128 uppercase letters and digits)');

/**
 * The secret fields only: the form has no extra plain fields, so the server's checks on those (no secret may be
 * stored in clear under another name) have nothing to look at here.
 */
const credentialValue = z
  .object({
    api_key: secretText.optional(),
    access_key_id: accessKeyId.optional(),
    secret_access_key: secretText.optional(),
  })
  .strict();

export const createCredentialInput = z
  .object({
    providerId: z.string().trim().min(1, 'a provider id is required').max(100),
    name: credentialName,
    value: credentialValue,
    weight: weight.default(100),
    enabled: z.boolean().default(true),
  })
  .strict();

export const updateCredentialInput = z
  .object({
    id: z.string().trim().min(1, 'an id is required').max(100),
    name: credentialName.optional(),
    value: credentialValue.optional(),
    weight: weight.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

// --- Model rates (routers/model-rates/fields.ts, upsert.schema.ts; types from db) ------------------------------

export const MODEL_TYPES = ['chat', 'embedding', 'image'] as const;

const modelName = z
  .string()
  .trim()
  .min(1, 'a model is required')
  .max(200, 'at most 200 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/,
    'letters, digits and . _ : / @ + - only, starting with a letter or digit',
  );

const rate = z
  .number({ message: 'must be a number' })
  .min(0, 'must not be negative')
  .max(1_000_000, 'at most 1,000,000 credits per token');

export const upsertModelRateInput = z
  .object({
    provider: providerName,
    model: modelName,
    type: z.enum(MODEL_TYPES, { message: `must be one of ${MODEL_TYPES.join(', ')}` }),
    inputRate: rate,
    outputRate: rate,
    cacheReadRate: rate.nullable().optional(),
    cacheWriteRate: rate.nullable().optional(),
    enabled: z.boolean().optional(),
    deprecated: z.boolean().optional(),
  })
  .strict();

// --- Settings (settings/settings.ts `settingsSchema`, `settingsPatchSchema`) -----------------------------------

export const settingsSchema = z.object({
  billing: z.object({ enabled: z.boolean() }),
  credits: z.object({ newUserCredits: z.number().min(0).max(1_000_000_000) }),
  sessions: z.object({
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
  }),
  rateLimits: z.object({
    apiKeyRequestsPerMinute: z.number().int().min(0).max(1_000_000),
    failedAuthPerIp: z.number().int().min(1).max(10_000),
    failedSignInsPerDid: z.number().int().min(1).max(10_000),
  }),
  audit: z.object({ retentionDays: z.number().int().min(0).max(36_500) }),
  gateway: z.object({ upstreamTimeoutMs: z.number().int().min(1_000).max(600_000) }),
  healthProbe: z.object({
    enabled: z.boolean(),
    paidProviders: z.boolean(),
    intervalMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
  }),
});

const sections = settingsSchema.shape;
export const settingsPatchSchema = z
  .object({
    billing: sections.billing.partial().strict().optional(),
    credits: sections.credits.partial().strict().optional(),
    sessions: sections.sessions.partial().strict().optional(),
    rateLimits: sections.rateLimits.partial().strict().optional(),
    audit: sections.audit.partial().strict().optional(),
    gateway: sections.gateway.partial().strict().optional(),
    healthProbe: sections.healthProbe.partial().strict().optional(),
  })
  .strict();

// --- Audit filters (routers/audit-events/filters.schema.ts; outcomes from core audit/types.ts) -------------------

export const AUDIT_OUTCOMES = ['success', 'denied', 'error'] as const;

const isoTime = z.iso
  .datetime({ offset: true, error: 'must be an ISO-8601 time such as 2025-01-31T12:00:00Z' })
  .transform((value) => new Date(value).toISOString());

/** The filters of `auditEvents.list` and `.export` (without paging), with the same range check. */
export const auditFiltersInput = z
  .object({
    actorDid: z.string().trim().min(1).max(200).optional(),
    actionPrefix: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9_.-]+$/, 'an action prefix holds only letters, digits, ".", "_" and "-"')
      .optional(),
    targetType: z.string().trim().min(1).max(100).optional(),
    targetId: z.string().trim().min(1).max(200).optional(),
    outcome: z.enum(AUDIT_OUTCOMES).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
  })
  .strict()
  .refine((value) => value.from === undefined || value.to === undefined || value.from < value.to, {
    message: '`from` must be before `to`',
    path: ['to'],
  });
