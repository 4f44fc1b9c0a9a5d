// @vitest-environment node
/**
 * The web's restated schemas against the hub's originals, two ways: their shapes as JSON Schema must be the same
 * (every field, type, bound, pattern, enum and default), and for every sample input both must agree on accept or
 * refuse, on the first message, and on the parsed value (transforms and refinements, which JSON Schema cannot
 * show). A rule changed on one side only fails here.
 */
import { AUDIT_OUTCOMES as CORE_OUTCOMES, ROLES as CORE_ROLES } from '@aigne-hub/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MODEL_TYPES as DB_MODEL_TYPES } from '../../../../packages/db/src/schema/hub/model-rates';
import { createApiKeyInput as serverCreateApiKey } from '../../../server/src/routers/api-keys/create.schema';
import { listAuditEventsInput } from '../../../server/src/routers/audit-events/list.schema';
import { createCredentialInput as serverCreateCredential } from '../../../server/src/routers/credentials/create.schema';
import { updateCredentialInput as serverUpdateCredential } from '../../../server/src/routers/credentials/update.schema';
import { upsertModelRateInput as serverUpsertRate } from '../../../server/src/routers/model-rates/upsert.schema';
import { createProviderInput as serverCreateProvider } from '../../../server/src/routers/providers/create.schema';
import { updateProviderInput as serverUpdateProvider } from '../../../server/src/routers/providers/update.schema';
import { grantCreditsInput as serverGrantCredits } from '../../../server/src/routers/users/grant-credits.schema';
import { setRoleInput as serverSetRole } from '../../../server/src/routers/users/set-role.schema';
import { PROVIDER_KINDS as SERVER_KINDS, providerSpecs } from '../../../server/src/providers/registry';
import {
  settingsPatchSchema as serverSettingsPatch,
  settingsSchema as serverSettings,
  DEFAULT_SETTINGS,
} from '../../../server/src/settings/settings';
import { PROVIDER_KIND_INFO } from '../features/admin/providers/provider-kinds';
import * as web from './schemas';

function agree(
  name: string,
  ours: z.ZodType,
  theirs: z.ZodType,
  samples: unknown[],
  view: (value: unknown) => unknown = (value) => value,
) {
  describe(name, () => {
    it.each(samples.map((sample) => [JSON.stringify(sample), sample] as const))('%s', (_label, sample) => {
      const a = ours.safeParse(sample);
      const b = theirs.safeParse(sample);
      expect(a.success).toBe(b.success);
      if (a.success && b.success) expect(view(a.data)).toEqual(view(b.data));
      if (!a.success && !b.success) expect(a.error.issues[0]?.message).toBe(b.error.issues[0]?.message);
    });
  });
}

type JsonSchema = Record<string, unknown>;

/**
 * The shape of a schema as JSON Schema: what it accepts (fields, types, bounds, patterns, enums, defaults).
 * Descriptions are documentation, not rules: the form words its own help.
 */
function shapeOf(schema: z.ZodType): JsonSchema {
  const json = JSON.stringify(
    z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
    (key, value) => (key === 'description' ? undefined : (value as unknown)),
  );
  return JSON.parse(json) as JsonSchema;
}

/** `json` without the object fields `keys` (for fields the web form deliberately does not offer). */
function omitFields(json: JsonSchema, keys: string[]): JsonSchema {
  const properties = json.properties as Record<string, unknown>;
  return {
    ...json,
    properties: Object.fromEntries(Object.entries(properties).filter(([key]) => !keys.includes(key))),
    ...(Array.isArray(json.required) && {
      required: (json.required as string[]).filter((key) => !keys.includes(key)),
    }),
  };
}

/**
 * Same fields, types, bounds, patterns and enums on both sides: a field or section added, removed or changed on
 * the hub fails here even when no sample touches it. `deliberate` takes out of the hub's shape what the web form
 * leaves out on purpose (each use says what and why).
 */
function sameShape(
  name: string,
  ours: z.ZodType,
  theirs: z.ZodType,
  deliberate: (hub: JsonSchema) => JsonSchema = (hub) => hub,
) {
  it(`${name} has the hub's shape`, () => {
    expect(shapeOf(ours)).toEqual(deliberate(shapeOf(theirs)));
  });
}

/** The web's credential forms offer the three known fields only, no extra plain ones. */
function withoutPlainFields(hub: JsonSchema): JsonSchema {
  const properties = hub.properties as Record<string, JsonSchema>;
  return {
    ...hub,
    properties: { ...properties, value: { ...properties.value, additionalProperties: false } },
  };
}

const DID = 'did:abt:z1nxZUB3qwFj7LKRXf4seMxS3YqvZHyRcWC';
const future = new Date(Date.now() + 86_400_000).toISOString();
const past = new Date(Date.now() - 86_400_000).toISOString();

describe('constants', () => {
  it('match the hub', () => {
    expect(web.ROLES).toEqual(CORE_ROLES);
    expect(web.AUDIT_OUTCOMES).toEqual(CORE_OUTCOMES);
    expect(web.MODEL_TYPES).toEqual(DB_MODEL_TYPES);
    expect(web.PROVIDER_KINDS).toEqual(SERVER_KINDS);
  });

  it('describe provider kinds as the registry does', () => {
    expect(PROVIDER_KIND_INFO).toEqual(providerSpecs().map(({ wireFormat: _wire, ...spec }) => spec));
  });

  it('settings defaults validate on both sides', () => {
    expect(web.settingsSchema.parse(DEFAULT_SETTINGS)).toEqual(serverSettings.parse(DEFAULT_SETTINGS));
  });
});

describe('shapes', () => {
  // Address rules are offered by the API, not the form.
  sameShape('createApiKeyInput', web.createApiKeyInput, serverCreateApiKey, (hub) =>
    omitFields(hub, ['allowedIps']),
  );
  sameShape('createProviderInput', web.createProviderInput, serverCreateProvider);
  sameShape('updateProviderInput', web.updateProviderInput, serverUpdateProvider);
  sameShape('createCredentialInput', web.createCredentialInput, serverCreateCredential, withoutPlainFields);
  sameShape('updateCredentialInput', web.updateCredentialInput, serverUpdateCredential, withoutPlainFields);
  sameShape('upsertModelRateInput', web.upsertModelRateInput, serverUpsertRate);
  sameShape('setRoleInput', web.setRoleInput, serverSetRole);
  sameShape('grantCreditsInput', web.grantCreditsInput, serverGrantCredits);
  sameShape('settingsSchema', web.settingsSchema, serverSettings);
  sameShape('settingsPatchSchema', web.settingsPatchSchema, serverSettingsPatch);
  // The filters without paging (the page adds `limit`, `cursor` and tRPC's `direction`), always given as an object.
  sameShape('audit filters', web.auditFiltersInput, listAuditEventsInput, (hub) => {
    const { default: _default, ...filters } = omitFields(hub, ['limit', 'cursor', 'direction']);
    return filters;
  });
});

agree('createApiKeyInput', web.createApiKeyInput, serverCreateApiKey, [
  { name: 'ci' },
  { name: '  ci  ', scopes: ['ai', 'api'], expiresAt: future, rateLimitPerMinute: 60 },
  { name: 'm', allowedModels: ['openai/gpt-4o', 'anthropic/*', 'gpt-4o-mini'] },
  { name: '' },
  { name: 'x'.repeat(101) },
  { name: 'a', scopes: [] },
  { name: 'a', scopes: ['admin'] },
  { name: 'a', expiresAt: past },
  { name: 'a', expiresAt: 'tomorrow' },
  { name: 'a', allowedModels: ['bad model'] },
  { name: 'a', allowedModels: [] },
  { name: 'a', rateLimitPerMinute: 0 },
  { name: 'a', rateLimitPerMinute: 1.5 },
  { name: 'a', unknown: 1 },
]);

agree('createProviderInput', web.createProviderInput, serverCreateProvider, [
  { kind: 'openai', name: 'openai' },
  {
    kind: 'openai-compatible',
    name: 'local',
    baseUrl: ' https://API.example.com:443/v1/ ',
    displayName: 'Local',
  },
  { kind: 'bedrock', name: 'aws', region: 'us-east-1', enabled: false },
  { kind: 'openai', name: 'Upper' },
  { kind: 'openai', name: '-dash' },
  { kind: 'nope', name: 'x' },
  { kind: 'openai', name: 'x', baseUrl: 'ftp://example.com' },
  { kind: 'openai', name: 'x', baseUrl: 'https://user:pw@example.com' },
  { kind: 'openai', name: 'x', baseUrl: 'https://example.com/v1?key=1' },
  { kind: 'openai', name: 'x', baseUrl: 'https://example.com/v1#' },
  { kind: 'openai', name: 'x', baseUrl: 'not a url' },
  { kind: 'openai', name: 'x', baseUrl: '   ' },
  { kind: 'bedrock', name: 'x', region: 'US-EAST-1' },
  { kind: 'openai', name: 'x', displayName: '' },
]);

agree('updateProviderInput', web.updateProviderInput, serverUpdateProvider, [
  { id: 'p1', name: 'renamed', baseUrl: null },
  { id: 'p1', baseUrl: 'http://127.0.0.1:8080/v1' },
  { id: '', name: 'x' },
  { id: 'p1', kind: 'openai' },
]);

agree('createCredentialInput', web.createCredentialInput, serverCreateCredential, [
  { providerId: 'p1', name: 'primary', value: { api_key: ' sk-test-123\n' } },
  {
    providerId: 'p1',
    name: 'aws',
    value: { access_key_id: 'AKIAUNITTEST00000001', secret_access_key: 's/k+1' },
    weight: 5,
  },
  { providerId: 'p1', name: 'x', value: { api_key: '' } },
  { providerId: 'p1', name: 'x', value: { access_key_id: 'akia-lower' } },
  { providerId: 'p1', name: '', value: { api_key: 'k' } },
  { providerId: 'p1', name: 'x', value: { api_key: 'k' }, weight: 1 },
  { providerId: 'p1', name: 'x', value: { api_key: 'k' }, weight: 1000 },
  { providerId: 'p1', name: 'x', value: { api_key: 'k' }, weight: 0 },
  { providerId: 'p1', name: 'x', value: { api_key: 'k' }, weight: 1001 },
  { providerId: 'p1', name: 'x', value: { api_key: 'k' }, weight: 2.5 },
  { providerId: '', name: 'x', value: { api_key: 'k' } },
]);

agree('updateCredentialInput', web.updateCredentialInput, serverUpdateCredential, [
  { id: 'c1', name: 'renamed', weight: 50, enabled: false },
  { id: 'c1', value: { api_key: 'sk-new' } },
  { id: 'c1', value: { api_key: '  ' } },
  { id: 'c1', weight: -1 },
]);

agree('upsertModelRateInput', web.upsertModelRateInput, serverUpsertRate, [
  { provider: 'openai', model: 'gpt-4o', type: 'chat', inputRate: 0.0000025, outputRate: 0.00001 },
  {
    provider: 'openrouter',
    model: 'anthropic/claude-3.5-sonnet',
    type: 'chat',
    inputRate: 0,
    outputRate: 0,
    cacheReadRate: null,
    cacheWriteRate: 0.000001,
    enabled: false,
    deprecated: true,
  },
  {
    provider: 'bedrock',
    model: 'anthropic.claude-3-haiku-20240307-v1:0',
    type: 'embedding',
    inputRate: 1,
    outputRate: 1,
  },
  { provider: 'openai', model: 'gpt 4o', type: 'chat', inputRate: 0, outputRate: 0 },
  { provider: 'openai', model: 'gpt-4o', type: 'audio', inputRate: 0, outputRate: 0 },
  { provider: 'openai', model: 'gpt-4o', type: 'chat', inputRate: -1, outputRate: 0 },
  { provider: 'openai', model: 'gpt-4o', type: 'chat', inputRate: 2_000_000, outputRate: 0 },
  { provider: 'openai', model: 'gpt-4o', type: 'chat', inputRate: '1', outputRate: 0 },
]);

agree('setRoleInput', web.setRoleInput, serverSetRole, [
  { did: DID, role: 'admin' },
  { did: 'z1nxZUB3qwFj7LKRXf4seMxS3YqvZHyRcWC', role: 'guest' },
  { did: DID, role: 'root' },
  { did: '', role: 'guest' },
]);

agree('grantCreditsInput', web.grantCreditsInput, serverGrantCredits, [
  { did: DID, amount: 10, reason: 'welcome' },
  { did: DID, amount: -2.5, reason: 'refund correction' },
  { did: DID, amount: 0.000001, reason: 'smallest' },
  { did: DID, amount: 0.0000001, reason: 'too fine' },
  { did: DID, amount: 0, reason: 'zero' },
  { did: DID, amount: 2_000_000_000, reason: 'too much' },
  { did: DID, amount: 1, reason: ' ' },
]);

agree('settingsPatchSchema', web.settingsPatchSchema, serverSettingsPatch, [
  {},
  { billing: { enabled: true }, credits: { newUserCredits: 12.5 } },
  { sessions: { idleTimeoutMinutes: 30, absoluteTimeoutHours: 24 } },
  { rateLimits: { apiKeyRequestsPerMinute: 0, failedAuthPerIp: 5, failedSignInsPerDid: 3 } },
  { audit: { retentionDays: 365 }, gateway: { upstreamTimeoutMs: 30_000 } },
  { sessions: { idleTimeoutMinutes: 5, absoluteTimeoutHours: 8760 } },
  { sessions: { idleTimeoutMinutes: 43_201 } },
  { sessions: { idleTimeoutMinutes: 4 } },
  { sessions: { absoluteTimeoutHours: 1.5 } },
  { rateLimits: { failedAuthPerIp: 0 } },
  { gateway: { upstreamTimeoutMs: 999 } },
  { credits: { newUserCredits: -1 } },
  { billing: { enabled: true, extra: 1 } },
  { healthProbe: { enabled: false, paidProviders: true, intervalMinutes: 1440 } },
  { healthProbe: { intervalMinutes: 0 } },
  { healthProbe: { enabled: 'yes' } },
  { unknown: {} },
]);

agree(
  'audit filters',
  web.auditFiltersInput,
  listAuditEventsInput,
  [
    {},
    { actionPrefix: 'providers.', outcome: 'denied' },
    { actorDid: DID, targetType: 'credential', targetId: 'c1' },
    { from: '2025-01-31T12:00:00+01:00', to: '2025-02-01T00:00:00Z' },
    { from: '2025-02-01T00:00:00Z', to: '2025-01-31T00:00:00Z' },
    { from: 'yesterday' },
    { actionPrefix: 'providers %' },
    { outcome: 'maybe' },
  ],
  (value) => {
    const { limit: _limit, ...filters } = value as Record<string, unknown>;
    return filters;
  },
);
