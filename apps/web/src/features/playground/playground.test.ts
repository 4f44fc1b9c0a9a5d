import { describe, expect, it } from 'vitest';
import type { ModelRateView } from '../../lib/api-types';
import { chatModelOptions } from './chat-models';
import { requestMessages, type AssistantTurn, type Turn } from './conversation';

const rate = (provider: string, model: string, type: 'chat' | 'embedding' = 'chat', enabled = true) =>
  ({
    id: `${provider}-${model}-${type}`,
    provider,
    model,
    type,
    inputRate: 0.000001,
    outputRate: 0.000002,
    cacheReadRate: null,
    cacheWriteRate: null,
    enabled,
    deprecated: false,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  }) satisfies ModelRateView;

describe('chatModelOptions', () => {
  it('keeps listed models with an enabled chat rate, sorted, once each', () => {
    const options = chatModelOptions(
      [
        'openai/gpt-4o',
        'fake/gpt-4o-mini',
        'openai/text-embedding-3-small',
        'fake/gpt-4o-mini',
        'gone/model',
        'x/off',
      ],
      [
        rate('openai', 'gpt-4o'),
        rate('fake', 'gpt-4o-mini'),
        rate('openai', 'text-embedding-3-small', 'embedding'),
        rate('x', 'off', 'chat', false),
        rate('unlisted', 'model'),
      ],
    );
    expect(options.map((o) => [o.id, o.provider, o.model])).toEqual([
      ['fake/gpt-4o-mini', 'fake', 'gpt-4o-mini'],
      ['openai/gpt-4o', 'openai', 'gpt-4o'],
    ]);
    expect(options[0]!.rate.inputRate).toBe(0.000001);
  });

  it('handles provider names that contain a slash in the model', () => {
    const options = chatModelOptions(
      ['openrouter/anthropic/claude-3.5-sonnet'],
      [rate('openrouter', 'anthropic/claude-3.5-sonnet')],
    );
    expect(options.map((o) => o.model)).toEqual(['anthropic/claude-3.5-sonnet']);
  });
});

const reply = (id: string, content: string, status: AssistantTurn['status']): AssistantTurn => ({
  id,
  role: 'assistant',
  content,
  status,
  model: 'fake/gpt-4o-mini',
  usage: null,
  credits: null,
  error: null,
});

describe('requestMessages', () => {
  it('sends the system prompt, answered exchanges and the new message', () => {
    const turns: Turn[] = [
      { id: '1', role: 'user', content: 'Hi' },
      reply('2', 'Hello!', 'done'),
      { id: '3', role: 'user', content: 'Out of credits?' },
      reply('4', '', 'error'),
      { id: '5', role: 'user', content: 'Long story' },
      reply('6', 'Once upon', 'stopped'),
    ];
    expect(requestMessages('  Be brief.  ', turns, 'Next')).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'Long story' },
      { role: 'assistant', content: 'Once upon' },
      { role: 'user', content: 'Next' },
    ]);
  });

  it('leaves out an empty system prompt and an unanswered last message', () => {
    expect(requestMessages(' ', [{ id: '1', role: 'user', content: 'lost' }], 'Hi')).toEqual([
      { role: 'user', content: 'Hi' },
    ]);
  });
});
