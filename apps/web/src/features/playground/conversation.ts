/** A Playground conversation, and what of it is sent with the next message. */
import type { ChatMessage, ChatUsage, ErrorExplanation } from '../../lib/gateway';

export interface UserTurn {
  id: string;
  role: 'user';
  content: string;
}

export interface AssistantTurn {
  id: string;
  role: 'assistant';
  content: string;
  status: 'streaming' | 'done' | 'stopped' | 'error';
  /** The model asked for. */
  model: string;
  usage: ChatUsage | null;
  /** Credits the reply costs at the model's rate (null when unknown: no usage reported). */
  credits: number | null;
  error: ErrorExplanation | null;
}

export type Turn = UserTurn | AssistantTurn;

/**
 * The messages for the next request: the system prompt, then every exchange that got an answer (a stopped
 * answer counts: the person saw it), then the new message. A message whose answer failed is left out, so
 * sending it again does not send it twice.
 */
export function requestMessages(systemPrompt: string, turns: readonly Turn[], next: string): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (systemPrompt.trim() !== '') messages.push({ role: 'system', content: systemPrompt.trim() });
  turns.forEach((turn, index) => {
    if (turn.role !== 'user') return;
    const reply = turns[index + 1];
    if (reply?.role !== 'assistant' || reply.content === '') return;
    if (reply.status !== 'done' && reply.status !== 'stopped') return;
    messages.push({ role: 'user', content: turn.content }, { role: 'assistant', content: reply.content });
  });
  messages.push({ role: 'user', content: next });
  return messages;
}
