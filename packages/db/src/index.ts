/**
 * @aigne-hub/db: the SQLite schema, committed migrations and connection factory of aigne-hub.
 * Other packages import drizzle's operators from here too, so the workspace holds one drizzle copy.
 */
export * from './client';
export * from './errors';
export * from './migrations';
export * from './schema/hub/index';
export * from './schema/auth/index';
export { MICRO_CREDITS_PER_CREDIT } from './schema/columns';
export * as hubSchema from './schema/hub/index';
export * as authSchema from './schema/auth/index';
export {
  and,
  asc,
  between,
  count,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  like,
  lt,
  lte,
  max,
  min,
  ne,
  not,
  notInArray,
  or,
  sql,
  sum,
  type SQL,
} from 'drizzle-orm';
