import type { TRPCRouterRecord } from '@trpc/server';
import { adminProcedure } from '../../trpc/procedures';
import { exportHandler } from './export.handler';
import { exportAuditEventsInput } from './export.schema';
import { listHandler } from './list.handler';
import { listAuditEventsInput } from './list.schema';
import { verifyHandler } from './verify.handler';

/** The audit trail, for admins: query it, export it, verify its hash chain. */
export const auditEventsRouter = {
  list: adminProcedure.input(listAuditEventsInput).query(listHandler),
  export: adminProcedure.input(exportAuditEventsInput).query(exportHandler),
  verify: adminProcedure.query(verifyHandler),
} satisfies TRPCRouterRecord;
