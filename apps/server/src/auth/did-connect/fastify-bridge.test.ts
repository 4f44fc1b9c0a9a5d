import type { ConnectRequest } from '@arcblock/did-connect-js';
import { describe, expect, it } from 'vitest';
import { runConnectChain, type ConnectMiddleware } from './fastify-bridge';

const req = { body: {}, query: {}, params: {} } as unknown as ConnectRequest;

describe('runConnectChain', () => {
  it('runs middleware in order through next() and returns the answer with its status', async () => {
    const seen: string[] = [];
    const chain: ConnectMiddleware[] = [
      async (_req, _res, next) => {
        seen.push('context');
        await Promise.resolve();
        next();
      },
      (_req, _res, next) => {
        seen.push('signed');
        next();
      },
      (_req, res) => {
        seen.push('handler');
        res.status(400).json({ error: 'no' });
      },
    ];
    expect(await runConnectChain(chain, req)).toEqual({ status: 400, body: { error: 'no' } });
    expect(seen).toEqual(['context', 'signed', 'handler']);
  });

  it('stops where a middleware answers without calling next', async () => {
    let reached = false;
    const chain: ConnectMiddleware[] = [
      (_req, res) => res.jsonp({ error: 'Session not found or expired' }),
      () => {
        reached = true;
      },
    ];
    expect(await runConnectChain(chain, req)).toEqual({
      status: 200,
      body: { error: 'Session not found or expired' },
    });
    expect(reached).toBe(false);
  });

  it('waits for an answer sent after the handler returned, and keeps only the first', async () => {
    const chain: ConnectMiddleware[] = [
      (_req, res) => {
        setTimeout(() => {
          res.jsonp({ late: 1 });
          res.json({ later: 2 });
        }, 20);
      },
    ];
    expect(await runConnectChain(chain, req)).toEqual({ status: 200, body: { late: 1 } });
  });

  it('rejects when the chain fails before answering', async () => {
    const chain: ConnectMiddleware[] = [
      (_req, _res, next) => next(),
      () => Promise.reject(new Error('boom')),
    ];
    await expect(runConnectChain(chain, req)).rejects.toThrow('boom');
  });
});
