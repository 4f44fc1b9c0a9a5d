import { DEFAULT_SETTINGS } from '../../settings/settings';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';

/**
 * The hub's settings as they apply now, and the defaults (so the web app can show what a field falls back to).
 * Read from the database, not the cache, so an admin sees a change another process made.
 */
export function getHandler({ ctx }: HandlerOptions<AuthedContext>) {
  return { settings: ctx.services.settings.read(ctx.services.hubDb), defaults: DEFAULT_SETTINGS };
}
