/**
 * Which provider and upstream model serve a requested model name, and at what rate.
 *
 * - `provider/model` (split at the first `/`, so `openrouter/anthropic/claude-3.5-sonnet` is OpenRouter's
 *   `anthropic/claude-3.5-sonnet`) names the provider; when billing is on the pair needs an enabled rate.
 * - A bare name (or one whose first segment is no provider) is routed round-robin across the enabled providers
 *   that offer it, i.e. that have an enabled rate for it; a provider that answered 429 cools down and goes last.
 * Unknown names fail with a message that lists what is available.
 */
import {
  and,
  eq,
  modelRates,
  providers,
  type HubDatabase,
  type ModelRate,
  type ModelType,
  type Provider,
} from '@aigne-hub/db';
import { connectionOf, prepared } from '../db/prepared';
import { columnsWithPrefix, modelRateFromRow, providerFromRow } from '../db/rows';
import { GatewayError } from './errors';

export interface RouteCandidate {
  provider: Provider;
  /** The upstream model id (what the provider calls it). */
  model: string;
  /** The enabled rate for (provider, model, type), if any. */
  rate: ModelRate | null;
}

type Row = Record<string, unknown>;

const RATE_COLUMNS = [
  'id',
  'provider',
  'model',
  'type',
  'input_rate',
  'output_rate',
  'cache_read_rate',
  'cache_write_rate',
  'enabled',
  'deprecated',
  'created_at',
  'updated_at',
]
  .map((column) => `r.${column} AS r_${column}`)
  .join(', ');
const PROVIDER_COLUMNS = [
  'id',
  'kind',
  'name',
  'display_name',
  'base_url',
  'region',
  'enabled',
  'created_at',
  'updated_at',
]
  .map((column) => `p.${column} AS p_${column}`)
  .join(', ');

/** How many available names an error message lists before "and N more". */
const LIST_LIMIT = 20;

function listing(names: string[]): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, LIST_LIMIT).join(', ');
  return names.length > LIST_LIMIT ? `${shown} and ${names.length - LIST_LIMIT} more` : shown;
}

const modelNotFound = (message: string) =>
  new GatewayError(404, 'not_found_error', 'model_not_found', message, null, 'model');

export class ModelRouter {
  readonly #turns = new Map<string, number>();
  /** Provider id -> time (ms) until which it is passed over for bare model names (after a 429). */
  readonly #cooling = new Map<string, number>();

  constructor(private readonly db: HubDatabase) {}

  /** Providers answering 429 are tried last for a while. */
  coolProvider(providerId: string, untilMs: number): void {
    this.#cooling.set(providerId, untilMs);
  }

  resolve(requested: string, type: ModelType, billing: boolean, nowMs: number): RouteCandidate[] {
    const name = requested.trim();
    if (name === '')
      throw new GatewayError(
        400,
        'invalid_request_error',
        'invalid_model',
        'model is required',
        null,
        'model',
      );
    const slash = name.indexOf('/');
    if (slash > 0) {
      const row = prepared(connectionOf(this.db), 'SELECT * FROM providers WHERE name = ?').get(
        name.slice(0, slash),
      );
      if (row) return [this.#explicit(providerFromRow(row as Row), name.slice(slash + 1), type, billing)];
    }
    return this.#bare(name, type, nowMs);
  }

  #explicit(provider: Provider, model: string, type: ModelType, billing: boolean): RouteCandidate {
    if (!provider.enabled) {
      throw modelNotFound(
        `Provider "${provider.name}" is disabled. Enabled providers: ${listing(this.#enabledProviderNames())}`,
      );
    }
    if (model === '') throw modelNotFound(`Name a model after "${provider.name}/"`);
    const row = prepared(
      connectionOf(this.db),
      'SELECT * FROM model_rates WHERE provider = ? AND model = ? AND type = ?',
    ).get(provider.name, model, type) as Row | undefined;
    const usable = row?.enabled === 1 ? modelRateFromRow(row) : null;
    if (billing && !usable) {
      const rated = this.#ratedModels(type, provider.name);
      throw new GatewayError(
        400,
        'invalid_request_error',
        'model_not_rated',
        `"${provider.name}/${model}" has no enabled ${type} rate, and billing is on. Rated ${type} models of ${provider.name}: ${listing(rated)}`,
        null,
        'model',
      );
    }
    return { provider, model, rate: usable };
  }

  #bare(model: string, type: ModelType, nowMs: number): RouteCandidate[] {
    const rows = (
      prepared(
        connectionOf(this.db),
        `SELECT ${RATE_COLUMNS}, ${PROVIDER_COLUMNS} FROM model_rates r JOIN providers p ON p.name = r.provider
         WHERE r.model = ? AND r.type = ? AND r.enabled = 1 AND p.enabled = 1 ORDER BY p.name`,
      ).all(model, type) as Row[]
    ).map((row) => ({
      provider: providerFromRow(columnsWithPrefix(row, 'p_')),
      rate: modelRateFromRow(columnsWithPrefix(row, 'r_')),
    }));
    if (rows.length === 0) {
      const known = this.#enabledProviderNames();
      throw modelNotFound(
        `Unknown model "${model}". Name it as provider/model (providers: ${listing(known)}), or use one of the ${type} models on offer: ${listing(this.#ratedModels(type))}`,
      );
    }
    const turn = this.#turns.get(`${type}:${model}`) ?? 0;
    this.#turns.set(`${type}:${model}`, turn + 1);
    const rotated = rows.map((_, i) => rows[(turn + i) % rows.length]!);
    const ready = rotated.filter((row) => (this.#cooling.get(row.provider.id) ?? 0) <= nowMs);
    const cooling = rotated.filter((row) => (this.#cooling.get(row.provider.id) ?? 0) > nowMs);
    return [...ready, ...cooling].map((row) => ({ provider: row.provider, model, rate: row.rate }));
  }

  #enabledProviderNames(): string[] {
    return this.db
      .select({ name: providers.name })
      .from(providers)
      .where(eq(providers.enabled, true))
      .orderBy(providers.name)
      .all()
      .map((row) => row.name);
  }

  #ratedModels(type: ModelType, providerName?: string): string[] {
    return this.db
      .select({ provider: modelRates.provider, model: modelRates.model })
      .from(modelRates)
      .innerJoin(providers, eq(providers.name, modelRates.provider))
      .where(
        and(
          eq(modelRates.type, type),
          eq(modelRates.enabled, true),
          eq(providers.enabled, true),
          providerName === undefined ? undefined : eq(modelRates.provider, providerName),
        ),
      )
      .orderBy(modelRates.provider, modelRates.model)
      .all()
      .map((row) => `${row.provider}/${row.model}`);
  }

  /** Every enabled, rated model of enabled providers, for `GET /models`. */
  listModels(type?: ModelType): { provider: Provider; rate: ModelRate }[] {
    return this.db
      .select({ provider: providers, rate: modelRates })
      .from(modelRates)
      .innerJoin(providers, eq(providers.name, modelRates.provider))
      .where(
        and(
          eq(modelRates.enabled, true),
          eq(providers.enabled, true),
          type ? eq(modelRates.type, type) : undefined,
        ),
      )
      .orderBy(modelRates.provider, modelRates.model)
      .all();
  }
}

/**
 * Whether an API key's `allowedModels` lets it use `provider/model`. Patterns: `provider/model` exactly,
 * `provider/*` for all of a provider's models, a bare `model` for that model at any provider, `*` for all.
 */
export function modelAllowed(
  allowed: readonly string[] | null | undefined,
  providerName: string,
  model: string,
): boolean {
  if (!allowed) return true;
  const full = `${providerName}/${model}`;
  return allowed.some(
    (pattern) => pattern === '*' || pattern === full || pattern === model || pattern === `${providerName}/*`,
  );
}
