import { asc, credentials, eq, providers } from '@aigne-hub/db';
import { lastChecks } from '../../observability/credential-checks';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { findProvider } from '../providers/rules';
import type { ListCredentialsInput } from './list.schema';
import { credentialView } from './view';

/**
 * Credentials (masked), of one provider or of all, grouped by provider name, each with its last health check
 * (`lastCheck`: background probe or admin test, null when never checked).
 */
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
  const checks = lastChecks(
    hubDb,
    rows.map((row) => row.credential.id),
  );
  return rows.map((row) => ({
    ...credentialView(keyring, row.credential, row.provider),
    lastCheck: checks.get(row.credential.id) ?? null,
  }));
}
