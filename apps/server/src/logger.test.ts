import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ logLevel: 'info' }, stream), lines };
}

const KEY = 'sk-proj-Zq8V2mN4xR7tY1uW3pK6sD9fG2hJ5lC8';

describe('createLogger', () => {
  it('masks secrets in fields, in free text, in messages and in errors (keeping the stack)', () => {
    const { logger, lines } = capture();
    logger.info(
      { api_key: KEY, upstream: { body: `Incorrect API key provided: ${KEY}` } },
      `calling with ${KEY}`,
    );
    logger.error({ err: new Error(`upstream said ${KEY}`) }, 'failed');
    const text = JSON.stringify(lines);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(KEY.slice(8, 20));
    expect(lines[0]).toMatchObject({ api_key: `sk-p********${KEY.slice(-4)}` });
    const err = lines[1]!.err as { type: string; message: string; stack: string };
    expect(err.type).toBe('Error');
    expect(err.stack).toContain('logger.test.ts');
  });

  it('keeps ordinary fields readable', () => {
    const { logger, lines } = capture();
    logger.info({ requestId: 'r1', inputTokens: 12, maxTokens: 100, model: 'openai/gpt-4o' }, 'done');
    expect(lines[0]).toMatchObject({
      requestId: 'r1',
      inputTokens: 12,
      maxTokens: 100,
      model: 'openai/gpt-4o',
      msg: 'done',
    });
  });
});
