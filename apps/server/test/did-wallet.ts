/**
 * Plays the DID Wallet app against the hub's DID Connect routes, step by step as the protocol says: read the
 * deep link from the QR code, GET the hub's signed request (and check it is signed by the app key it names),
 * then POST an answer signed with the person's wallet. Also plays the browser page that shows the QR code
 * and polls. Everything goes over real HTTP; signing uses @ocap/wallet keys through @arcblock/jwt.
 */
import { decode, signV2, verify } from '@arcblock/jwt';
import { encode } from '@ocap/mcrypto/lib/encode';
import type { WalletObject } from '@ocap/wallet';

export interface ConnectStart {
  token: string;
  url: string;
  pollKey: string;
  expiresAt: string;
}

/** What the wallet reads from the hub's signed request. */
export interface HubRequest {
  appPk: string;
  /** The decoded, verified `authInfo`. */
  info: {
    iss: string;
    action: string;
    challenge: string;
    url: string;
    appInfo: { name: string; publisher: string };
    requestedClaims: { type: string }[];
  };
}

/** The hub's signed reply to an answer, decoded. */
export interface HubReply {
  status: string;
  /** Empty fields are left out of the signed reply. */
  errorMessage?: string;
  successMessage?: string;
}

const WALLET_UA = 'ArcWallet/5.2.0 (iPhone; iOS 18.1)';

/** The browser page: POST /api/did/login/token from the hub's own origin. */
export async function startConnect(hubUrl: string, origin = new URL(hubUrl).origin): Promise<Response> {
  return fetch(`${hubUrl}/api/did/login/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: '{}',
  });
}

export async function startConnectOk(hubUrl: string): Promise<ConnectStart> {
  const response = await startConnect(hubUrl);
  if (response.status !== 200) throw new Error(`token: ${response.status} ${await response.text()}`);
  return (await response.json()) as ConnectStart;
}

/** The browser page polling: POST /api/did/login/status. */
export function pollConnect(
  hubUrl: string,
  body: { token: string; pollKey: string; setupCode?: string },
  origin = new URL(hubUrl).origin,
): Promise<Response> {
  return fetch(`${hubUrl}/api/did/login/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify(body),
  });
}

/** The URL the deep link sends the wallet to (what the wallet does after scanning the QR code). */
export function callbackOf(deepLink: string): string {
  const link = new URL(deepLink);
  if (link.origin !== 'https://abtwallet.io' || link.searchParams.get('action') !== 'requestAuth') {
    throw new Error(`not a DID Wallet deep link: ${deepLink}`);
  }
  const url = link.searchParams.get('url');
  if (url === null) throw new Error('deep link without url');
  return decodeURIComponent(url);
}

export const userPkOf = (wallet: WalletObject): string => encode(wallet.publicKey, 'base58');

/** Scanning: GET the callback with the chosen account; the request must verify against its `appPk`. */
export async function scan(callback: string, wallet: WalletObject): Promise<HubRequest> {
  const url = new URL(callback);
  url.searchParams.set('userDid', wallet.address);
  url.searchParams.set('userPk', userPkOf(wallet));
  const response = await fetch(url, { headers: { 'user-agent': WALLET_UA } });
  const body = (await response.json()) as { appPk: string; authInfo: string };
  if (!(await verify(body.authInfo, body.appPk))) throw new Error('the hub request does not verify');
  return { appPk: body.appPk, info: decode(body.authInfo) as unknown as HubRequest['info'] };
}

/** The answer a wallet signs for `authPrincipal`, with fields a test may override (a forged `iss`...). */
export function answerToken(
  wallet: WalletObject,
  challenge: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  return signV2(wallet.address, wallet.secretKey, {
    action: 'responseAuth',
    challenge,
    requestedClaims: [],
    ...overrides,
  });
}

/** POSTs an answer `{ userPk, userInfo }` to `url`; returns the hub's signed reply, verified and decoded. */
export async function answer(url: string, body: { userPk: string; userInfo: string }): Promise<HubReply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': WALLET_UA },
    body: JSON.stringify(body),
  });
  const reply = (await response.json()) as { appPk: string; authInfo: string };
  if (!(await verify(reply.authInfo, reply.appPk))) throw new Error('the hub reply does not verify');
  return decode(reply.authInfo) as unknown as HubReply;
}

/**
 * The same answer as DID Wallet's web version sends it: a GET to `<callback>/submit` with the answer's fields
 * in the query. Returns the hub's signed reply, verified and decoded.
 */
export async function submitAnswer(
  callback: string,
  body: { userPk: string; userInfo: string },
): Promise<HubReply> {
  const url = new URL(callback);
  url.pathname = `${url.pathname}/submit`;
  url.searchParams.set('userPk', body.userPk);
  url.searchParams.set('userInfo', body.userInfo);
  const response = await fetch(url, { headers: { 'user-agent': WALLET_UA } });
  const reply = (await response.json()) as { appPk: string; authInfo: string };
  if (!(await verify(reply.authInfo, reply.appPk))) throw new Error('the hub reply does not verify');
  return decode(reply.authInfo) as unknown as HubReply;
}

/** The whole wallet side for `wallet`: scan, then answer with a correct signed answer. */
export async function connectWith(start: ConnectStart, wallet: WalletObject): Promise<HubReply> {
  const request = await scan(callbackOf(start.url), wallet);
  return answer(request.info.url, {
    userPk: userPkOf(wallet),
    userInfo: await answerToken(wallet, request.info.challenge),
  });
}
