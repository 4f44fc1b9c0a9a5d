// @vitest-environment node
/**
 * The page's DID Connect client against a real hub over real HTTP, with the DID Wallet app played by the
 * server's own protocol helper (signed requests and answers, as the app does them). The browser adds the Origin
 * header the hub checks by itself; here `fetch` is given it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWith } from '../../../../server/test/did-wallet';
import { newWallet, startTestHub, type TestHub } from '../../../../server/test/helpers';
import { ConnectError, msUntilExpiry, pollConnect, startConnect, type ConnectSession } from './did-connect';

let t: TestHub;
let fetchImpl: typeof fetch;
let options: { fetchImpl: typeof fetch; baseUrl: string };

beforeAll(async () => {
  t = await startTestHub();
  const origin = new URL(t.hub.url).origin;
  fetchImpl = (input, init) =>
    fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), origin } });
  options = { fetchImpl, baseUrl: t.hub.url };
});
afterAll(() => t.close());

describe('DID Connect from the sign-in page', () => {
  it('opens a sign-in with a DID Wallet deep link that works for five minutes', async () => {
    const session = await startConnect(options);
    expect(session.url).toMatch(/^https:\/\/abtwallet\.io\/i\/\?action=requestAuth&url=/);
    expect(session.url).not.toContain(session.pollKey);
    expect(msUntilExpiry(session)).toBeGreaterThan(4 * 60_000);
    expect(msUntilExpiry(session, new Date(Date.parse(session.expiresAt) + 1))).toBe(0);
    expect(await pollConnect(session, null, options)).toEqual({ status: 'created' });
  });

  it('claims an ownerless hub with the setup code once the wallet has answered, then forgets the sign-in', async () => {
    const session = await startConnect(options);
    await connectWith({ ...session }, newWallet());
    const picked = await pollConnect(session, ` ${t.hub.setupCode!} `, options);
    expect(picked).toEqual({ status: 'succeed', becameOwner: true, role: 'owner' });
    // Picked up once: asking again finds nothing.
    expect(await pollConnect(session, null, options)).toEqual({ status: 'gone' });
  });

  it('signs a second person in as a guest, without a setup code', async () => {
    const session = await startConnect(options);
    await connectWith(session, newWallet());
    expect(await pollConnect(session, null, options)).toEqual({
      status: 'succeed',
      becameOwner: false,
      role: 'guest',
    });
  });

  it('refuses a setup code once the hub has an owner, as a 401 the page shows', async () => {
    const session = await startConnect(options);
    await connectWith(session, newWallet());
    const refused = await pollConnect(session, 'AAAA-BBBB-CCCC-DDDD', options).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ConnectError);
    expect(refused).toMatchObject({
      httpStatus: 401,
      message: 'The setup code is not valid (it works once, and only while the hub has no owner)',
    });
  });

  it('reports a sign-in it does not know, or polled with another key, as gone', async () => {
    const session = await startConnect(options);
    const stolen: ConnectSession = { ...session, pollKey: 'x'.repeat(43) };
    expect(await pollConnect(stolen, null, options)).toEqual({ status: 'gone' });
    expect(await pollConnect({ ...session, token: '0'.repeat(32) }, null, options)).toEqual({
      status: 'gone',
    });
  });

  it('says so when the hub cannot be reached, and when a request comes from another site', async () => {
    const closed = { baseUrl: 'http://127.0.0.1:9', fetchImpl: fetch };
    await expect(startConnect(closed)).rejects.toMatchObject({
      name: 'ConnectError',
      httpStatus: 0,
      message: 'The hub cannot be reached. Check your connection and try again.',
    });
    const elsewhere: typeof fetch = (input, init) =>
      fetch(input, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), origin: 'https://evil.example' },
      });
    await expect(startConnect({ baseUrl: t.hub.url, fetchImpl: elsewhere })).rejects.toMatchObject({
      httpStatus: 403,
      message: 'Cross-origin request refused',
    });
  });
});
