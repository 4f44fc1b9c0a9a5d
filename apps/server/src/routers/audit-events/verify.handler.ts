import type { VerifyChainResult } from '@aigne-hub/core';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';

/**
 * Verifies the whole hash chain (streaming, so memory stays flat) and reports the first bad event. The check is
 * audited as `auditEvents.verify`; a broken chain is recorded with outcome `error`, so that it stands out in
 * the trail itself. The event is appended after the check, so it is not part of what was checked.
 */
export function verifyHandler({ ctx }: HandlerOptions<AuthedContext>): VerifyChainResult {
  const { services } = ctx;
  const result = services.audit.verify();
  services.audit.record(actorOf(ctx.principal), ctx.request, {
    action: 'auditEvents.verify',
    outcome: result.ok ? 'success' : 'error',
    reason: result.ok ? null : `chain broken at seq ${result.seq}: ${result.reason}`,
    targetType: 'auditEvents',
    details: result.ok
      ? { ok: true, count: result.count, headSeq: result.head?.seq ?? null }
      : { ok: false, seq: result.seq, id: result.id, reason: result.reason },
  });
  return result;
}
