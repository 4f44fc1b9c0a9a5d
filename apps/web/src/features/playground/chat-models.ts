/**
 * The Playground's model picker: the models the gateway lists for this user (`GET /api/v1/models`, already
 * narrowed to enabled providers and rated models) joined with their chat rates (`modelRates.list`), so each
 * choice shows what it costs. A listed model without an enabled chat rate is an embedding or image model.
 */
import type { ModelRateView } from '../../lib/api-types';

export interface ChatModelOption {
  /** `provider/model`, what the gateway is asked for. */
  id: string;
  provider: string;
  model: string;
  rate: ModelRateView;
}

export function chatModelOptions(
  listed: readonly string[],
  rates: readonly ModelRateView[],
): ChatModelOption[] {
  const chatRates = new Map(
    rates
      .filter((rate) => rate.type === 'chat' && rate.enabled)
      .map((rate) => [`${rate.provider}/${rate.model}`, rate]),
  );
  const seen = new Set<string>();
  const options: ChatModelOption[] = [];
  for (const id of listed) {
    const rate = chatRates.get(id);
    if (!rate || seen.has(id)) continue;
    seen.add(id);
    options.push({ id, provider: rate.provider, model: rate.model, rate });
  }
  return options.sort((a, b) => a.id.localeCompare(b.id));
}
