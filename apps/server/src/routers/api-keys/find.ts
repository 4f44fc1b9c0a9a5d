import { isAdmin, NotFoundError } from '@aigne-hub/core';
import { apiKeys, eq, type ApiKey, type HubDatabase, type HubTransaction } from '@aigne-hub/db';
import type { Principal } from '../../auth/principal';

/**
 * A key the principal may act on: their own, or (when `adminMayAct`) anyone's for an admin. Any other key is
 * NOT_FOUND, so a guest cannot even learn that another user's key id exists.
 */
export function findActionableKey(
  tx: HubDatabase | HubTransaction,
  principal: Principal,
  id: string,
  adminMayAct: boolean,
): ApiKey {
  const key = tx.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
  if (!key || (key.userDid !== principal.did && !(adminMayAct && isAdmin(principal.role)))) {
    throw new NotFoundError('No such API key');
  }
  return key;
}
