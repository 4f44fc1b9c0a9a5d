import { lastChecks } from '../../observability/credential-checks';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { findProvider } from '../providers/rules';
import type { CredentialIdInput } from './by-id.schema';
import { findCredential } from './find';
import { credentialView } from './view';

export function byIdHandler({ ctx, input }: HandlerOptions<AuthedContext, CredentialIdInput>) {
  const { hubDb, keyring } = ctx.services;
  const credential = findCredential(hubDb, input.id);
  return {
    ...credentialView(keyring, credential, findProvider(hubDb, credential.providerId)),
    /** The last health check (background probe or admin test), null when never checked. */
    lastCheck: lastChecks(hubDb, [credential.id]).get(credential.id) ?? null,
  };
}
