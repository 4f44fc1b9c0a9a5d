import { credentials, eq } from '@aigne-hub/db';
import { writeTransaction } from '../../audit/audit-trail';
import {
  openCredential,
  testConnection,
  upstreamTarget,
  type ConnectionTestResult,
  type UpstreamSecret,
} from '../../providers/index';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { findProvider } from '../providers/rules';
import { findCredential } from './find';
import { healthAfterTest } from './health';
import type { TestCredentialInput } from './test.schema';

/** A connection test should answer while the admin is still looking at the page. */
const DEFAULT_TEST_TIMEOUT_MS = 30_000;

/**
 * Tests a credential with one real upstream call (list models), then records what the answer says about the
 * credential and audits `credentials.test`. Three steps, so that no transaction is open while waiting for
 * the network: read (no transaction), call (the secret decrypted in memory only), write (one transaction:
 * status + audit event). The answer never contains the secret; its error text is scrubbed and redacted.
 */
export async function testHandler({ ctx, input }: HandlerOptions<AuthedContext, TestCredentialInput>) {
  const { services } = ctx;
  const actor = actorOf(ctx.principal);
  const credential = findCredential(services.hubDb, input.id);
  const provider = findProvider(services.hubDb, credential.providerId);
  const gatewayTimeout = services.settings.get().gateway.upstreamTimeoutMs;
  const timeoutMs = Math.min(input.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS, gatewayTimeout);
  const subject = {
    providerId: provider.id,
    providerName: provider.name,
    providerKind: provider.kind,
    name: credential.name,
  };

  let secret: UpstreamSecret;
  try {
    secret = openCredential(services.keyring, credential);
  } catch (error) {
    services.audit.record(actor, ctx.request, {
      action: 'credentials.test',
      outcome: 'error',
      reason: (error as Error).message,
      targetType: 'credential',
      targetId: credential.id,
      details: { ...subject, ok: false, failure: 'unusable' },
    });
    throw error;
  }
  const result: ConnectionTestResult = await testConnection(upstreamTarget(provider, secret), { timeoutMs });
  if (!result.ok) {
    services.logger.warn(
      {
        credentialId: credential.id,
        provider: provider.name,
        status: result.status,
        failure: result.failure,
        error: result.error,
      },
      'credential test failed',
    );
  }

  const credentialStatus = writeTransaction(services.hubDb, (tx) => {
    const current = tx.select().from(credentials).where(eq(credentials.id, credential.id)).get();
    // Deleted, or given a new secret, while the call was out: the answer is about a key that is gone.
    const stillSame =
      current !== undefined && JSON.stringify(current.value) === JSON.stringify(credential.value);
    let status = current?.status ?? null;
    if (stillSame) {
      const patch = healthAfterTest(result, services.clock());
      status = tx
        .update(credentials)
        .set(patch)
        .where(eq(credentials.id, credential.id))
        .returning({ status: credentials.status })
        .get().status;
    }
    services.audit.append(tx, actor, ctx.request, {
      action: 'credentials.test',
      outcome: result.ok ? 'success' : 'error',
      reason: result.ok ? null : (result.error ?? result.failure ?? 'failed'),
      targetType: 'credential',
      targetId: credential.id,
      details: {
        ...subject,
        ok: result.ok,
        latencyMs: result.latencyMs,
        timeoutMs,
        status: result.status ?? null,
        failure: result.failure ?? null,
        modelCount: result.modelCount ?? null,
        credentialStatus: { from: credential.status, to: status },
        ...(!stillSame && { applied: false }),
      },
    });
    return status;
  });
  return { ...result, credentialStatus };
}
