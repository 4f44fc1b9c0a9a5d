import { writeTransaction } from '../../audit/audit-trail';
import type { Settings, SettingsSection } from '../../settings/settings';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import type { UpdateConfigInput } from './update.schema';

function pick(settings: Settings, sections: SettingsSection[]): Partial<Settings> {
  return Object.fromEntries(sections.map((section) => [section, settings[section]]));
}

/**
 * Applies a settings patch. The audit event carries the changed sections before and after (through the
 * redactor, like all details); a patch that changes nothing writes nothing, not even an event. If the event
 * cannot be written, the settings roll back with it, and the store's cache (dropped by `update`) reloads the
 * old values on the next read.
 */
export function updateHandler({ ctx, input }: HandlerOptions<AuthedContext, UpdateConfigInput>) {
  const { principal, services } = ctx;
  return writeTransaction(services.hubDb, (tx) => {
    const { before, after, changed } = services.settings.update(tx, input, principal.did);
    if (changed.length > 0) {
      services.audit.append(tx, actorOf(principal), ctx.request, {
        action: 'config.update',
        outcome: 'success',
        targetType: 'config',
        targetId: 'settings',
        details: { changed, before: pick(before, changed), after: pick(after, changed) },
      });
    }
    return { settings: after, changed };
  });
}
