import { asc, credentials, eq, providers } from '@aigne-hub/db';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { findProvider } from '../providers/rules';
import type { ListCredentialsInput } from './list.schema';
import { credentialView } from './view';

/** Credentials (masked), of one provider or of all, grouped by provider name. */
export function listHandler({ ctx, input }: HandlerOptions<AuthedContext, ListCredentialsInput>) {
  const { hubDb, keyring } = ctx.services;
  if (input?.providerId) findProvider(hubDb, input.providerId);
  const rows = hubDb
    .select({ credential: credentials, provider: { name: providers.name, kind: providers.kind } })
    .from(credentials)
    .innerJoin(providers, eq(providers.id, credentials.providerId))
    .where(input?.providerId ? eq(credentials.providerId, input.providerId) : undefined)
    .orderBy(asc(providers.name), asc(credentials.createdAt), asc(credentials.id))
    .all();
  return rows.map((row) => credentialView(keyring, row.credential, row.provider));
}
