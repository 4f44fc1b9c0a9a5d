import { check, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { isJson } from '../checks';
import { updatedAt } from '../columns';

/** Hub-wide settings (billing, defaults, ...) as key -> JSON value. */
export const config = sqliteTable(
  'config',
  {
    key: text('key').primaryKey(),
    value: text('value', { mode: 'json' }).$type<unknown>().notNull(),
    updatedAt: updatedAt(),
    /** DID of whoever changed it last; NULL for values written by the system (first start, migrations). */
    updatedBy: text('updated_by'),
  },
  (t) => [check('config_value_check', isJson(t.value))],
);

export type ConfigEntry = typeof config.$inferSelect;
export type NewConfigEntry = typeof config.$inferInsert;
