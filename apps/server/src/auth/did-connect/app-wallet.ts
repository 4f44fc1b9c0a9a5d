/**
 * The hub's own DID wallet for DID Connect. A DID Wallet shows the person whom they are signing in to and
 * checks that every request really comes from that app: the hub signs its requests with this wallet.
 *
 * It is made once, on first use, and kept like the audit key: its secret key encrypted in `system_secrets`
 * (an envelope bound to its row, re-encrypted by `keys rotate` with the other system secrets). Keeping it
 * means a person's wallet sees the same app DID on every sign-in; a new one each start would look like a
 * different app every time.
 */
import { types } from '@ocap/mcrypto';
import { fromRandom, fromSecretKey, WalletType, type WalletObject } from '@ocap/wallet';
import { SYSTEM_ACTOR, NO_REQUEST, writeTransaction } from '../../audit/audit-trail';
import { readSystemSecret, writeSystemSecret } from '../../keys/system-secrets';
import type { HubServices } from '../../services';

export const APP_WALLET_SECRET = 'did_connect_app_wallet';

/** An application DID with an ed25519 key, as DID Wallet expects of the apps it connects to. */
const APP_WALLET_TYPE = WalletType({
  role: types.RoleType.ROLE_APPLICATION,
  pk: types.KeyType.ED25519,
  hash: types.HashType.SHA3,
});

/**
 * The app wallet, created (and audited as `system.createAppWallet`) if the hub has none yet. Inside one
 * IMMEDIATE transaction, so two first sign-ins at once still make a single wallet.
 */
export function loadOrCreateAppWallet(services: Pick<HubServices, 'hubDb' | 'keyring' | 'audit'>): {
  wallet: WalletObject;
  created: boolean;
} {
  return writeTransaction(services.hubDb, (tx) => {
    const stored = readSystemSecret(tx, services.keyring, APP_WALLET_SECRET);
    if (stored !== null) return { wallet: fromSecretKey(stored, APP_WALLET_TYPE), created: false };
    const wallet = fromRandom(APP_WALLET_TYPE);
    writeSystemSecret(tx, services.keyring, APP_WALLET_SECRET, wallet.secretKey);
    services.audit.append(tx, SYSTEM_ACTOR, NO_REQUEST, {
      action: 'system.createAppWallet',
      outcome: 'success',
      targetType: 'wallet',
      targetId: wallet.address,
      details: { purpose: 'DID Connect', did: `did:abt:${wallet.address}` },
    });
    return { wallet, created: true };
  });
}
