/**
 * The hub's own sign-in (a signed challenge, DID Connect) is for standalone hubs. Under Blocklet Server people
 * sign in through Blocklet Server, which also decides who owns the app: a second way in that the hub ran
 * itself would let a wallet become a hub user (or, with a setup code, its owner) behind Blocklet Server's back.
 */
import { PreconditionFailedError } from '@aigne-hub/core';
import type { Env } from '../env';

export function assertStandaloneSignIn(env: Pick<Env, 'blocklet'>): void {
  if (env.blocklet) {
    throw new PreconditionFailedError('This hub runs under Blocklet Server: sign in through Blocklet Server');
  }
}
