import { NotFoundError } from '@aigne-hub/core';
import { credentials, eq, type Credential, type HubDatabase, type HubTransaction } from '@aigne-hub/db';

export function findCredential(tx: HubDatabase | HubTransaction, id: string): Credential {
  const credential = tx.select().from(credentials).where(eq(credentials.id, id)).get();
  if (!credential) throw new NotFoundError('No such credential');
  return credential;
}
