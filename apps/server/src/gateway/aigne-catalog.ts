/**
 * What the AIGNE dialects report about models, read-only: the model list AIGNE clients fetch from
 * `/api/ai/models` (the framework's `getModels` sends no key, so that list is public and shows only what a
 * price list would: names, providers' display names, rates, and whether the model can be served now) and the
 * per-caller `/api/v2/status` (may I use this model, is it rated, what is my balance).
 *
 * Neither changes anything: no routing turn is taken, no credit is held, nothing is audited.
 */
import { eq, providers, type ModelRate, type ModelType, type Provider } from '@aigne-hub/db';
import type { Principal } from '../auth/principal';
import { providerSpec } from '../providers/index';
import type { HubServices } from '../services';
import { findUser, fromMicroCredits } from '../users/users';
import { modelAllowed } from './catalog';

/** One entry of `/api/ai/models`, in the shape `@aigne/aigne-hub`'s `getModels` parses. */
export interface AigneModelEntry {
  /** `provider/model`, what the client then sends as `modelOptions.model`. */
  model: string;
  type: ModelType;
  provider: string;
  providerDisplayName: string;
  /** Credits per token (per image for image models), as decimal strings as AIGNE Hub sends them. */
  input_credits_per_token: string;
  output_credits_per_token: string;
  status: { available: boolean };
}

/** Names AIGNE Hub uses for model types, beside the hub's own. */
const TYPE_ALIASES = new Map<string, ModelType>([
  ['chat', 'chat'],
  ['chatCompletion', 'chat'],
  ['image', 'image'],
  ['imageGeneration', 'image'],
  ['embedding', 'embedding'],
  ['embeddings', 'embedding'],
]);

/** The model type a `type` query asks for: a type, `undefined` for all, `null` for one the hub has none of. */
export function modelTypeOf(value: string | undefined): ModelType | undefined | null {
  if (value === undefined || value === '') return undefined;
  return TYPE_ALIASES.get(value) ?? null;
}

/** Whether the gateway could serve a provider now: keyless, or some credential that is enabled and not invalid. */
export function providerUsable(services: HubServices, provider: Provider): boolean {
  if (!provider.enabled) return false;
  if (providerSpec(provider.kind).credentialOptional) return true;
  // A cooling credential counts: the cooldown is seconds to minutes, and the gateway waits it out by failover.
  return services.gateway.pool
    .load(provider.id)
    .some((credential) => credential.enabled && credential.weight > 0 && credential.status !== 'invalid');
}

/**
 * The enabled, rated models (of enabled providers). With a principal (the caller sent a key), narrowed to what
 * that key may use.
 */
export function aigneModelList(
  services: HubServices,
  principal: Principal | null,
  type: ModelType | undefined,
): AigneModelEntry[] {
  const rows = principal
    ? services.gateway.models(principal, type)
    : services.gateway.router.listModels(type);
  const usable = new Map<string, boolean>();
  return rows.map(({ provider, rate }) => {
    let available = usable.get(provider.id);
    if (available === undefined) {
      available = providerUsable(services, provider);
      usable.set(provider.id, available);
    }
    return {
      model: `${provider.name}/${rate.model}`,
      type: rate.type,
      provider: provider.name,
      providerDisplayName: provider.displayName,
      input_credits_per_token: String(rate.inputRate),
      output_credits_per_token: String(rate.outputRate),
      status: { available },
    };
  });
}

/** `/api/v2/status` for one caller. `rated` and `model` are null when no model was asked about. */
export interface AigneStatus {
  available: boolean;
  /** The `provider/model` that would serve the request. */
  model: string | null;
  rated: boolean | null;
  /** The caller's credit balance (whole credits). */
  credits: number;
  /** Whether the hub charges credits (then a model needs a rate, and the caller credits). */
  billing: boolean;
  /** Why the call would not be served, when `available` is false. */
  error?: string;
}

interface Candidate {
  provider: Provider;
  model: string;
  rate: ModelRate | null;
}

/**
 * The providers and rates a model name stands for, read the way the gateway's router reads it (`provider/model`
 * names the provider; a bare name means every enabled provider with an enabled rate for it), or why none.
 */
function candidatesFor(services: HubServices, name: string, type: ModelType): Candidate[] | string {
  const rated = services.gateway.router.listModels(type);
  const slash = name.indexOf('/');
  if (slash > 0) {
    const providerName = name.slice(0, slash);
    const model = name.slice(slash + 1);
    const provider = services.hubDb.select().from(providers).where(eq(providers.name, providerName)).get();
    if (provider) {
      if (!provider.enabled) return `Provider "${provider.name}" is disabled`;
      if (model === '') return `Name a model after "${provider.name}/"`;
      const row = rated.find((r) => r.provider.id === provider.id && r.rate.model === model);
      return [{ provider, model, rate: row?.rate ?? null }];
    }
  }
  const rows = rated.filter((r) => r.rate.model === name);
  if (rows.length === 0) return `Unknown ${type} model "${name}"`;
  return rows.map((r) => ({ provider: r.provider, model: name, rate: r.rate }));
}

export function aigneStatus(
  services: HubServices,
  principal: Principal,
  requested: string | null,
  type: ModelType,
): AigneStatus {
  const billing = services.settings.get().billing.enabled;
  const user = findUser(services.hubDb, principal.did);
  const credits = fromMicroCredits(user?.credits ?? 0);
  const base = { credits, billing };
  const broke = billing && credits <= 0 ? 'Not enough credits; ask an admin to grant credits' : null;

  if (requested === null) {
    const enabled = services.hubDb.select().from(providers).where(eq(providers.enabled, true)).all();
    const anyUsable = enabled.some((provider) => providerUsable(services, provider));
    const error = !anyUsable ? 'No provider is configured and usable' : broke;
    return { available: error === null, model: null, rated: null, ...base, ...(error && { error }) };
  }

  const found = candidatesFor(services, requested, type);
  if (typeof found === 'string') {
    return { available: false, model: null, rated: false, ...base, error: found };
  }
  const allowed = found.filter((c) =>
    modelAllowed(principal.apiKey?.allowedModels, c.provider.name, c.model),
  );
  const rated = allowed.some((c) => c.rate !== null);
  const serving =
    allowed.find((c) => (!billing || c.rate !== null) && providerUsable(services, c.provider)) ??
    allowed[0] ??
    null;
  const model = serving ? `${serving.provider.name}/${serving.model}` : null;
  let error: string | null;
  if (!serving) error = `This API key may not use the model "${requested}"`;
  else if (billing && serving.rate === null) error = `"${model}" has no ${type} rate, and billing is on`;
  else if (!providerUsable(services, serving.provider))
    error = `No usable credential is configured for ${model}`;
  else error = broke;
  return { available: error === null, model, rated, ...base, ...(error && { error }) };
}
