/**
 * Who may call each procedure of the app router. The role-matrix test enumerates `appRouter` and fails for any
 * procedure missing here (deny by default: a new procedure needs a deliberate entry) and for any entry whose
 * procedure no longer exists. The operations docs render this table.
 *
 * access: public (anyone), authed (any signed-in user), admin (owner or admin), owner (owner only).
 * apiKey: whether a hub API key with the `api` scope may call it (default true); false for what only a person
 * signed in at a browser should do.
 */
export type Access = 'public' | 'authed' | 'admin' | 'owner';

export interface Expectation {
  access: Access;
  apiKey?: boolean;
}

export const EXPECTATIONS: Record<string, Expectation> = {
  'auth.setupStatus': { access: 'public' },
  'auth.challenge': { access: 'public' },
  'auth.login': { access: 'public' },
  'auth.logout': { access: 'authed', apiKey: false },
  'auth.sessions': { access: 'authed' },
  'auth.revokeSession': { access: 'authed', apiKey: false },

  'me.get': { access: 'authed' },
  'me.usage': { access: 'authed' },

  'apiKeys.list': { access: 'authed' },
  'apiKeys.create': { access: 'authed', apiKey: false },
  'apiKeys.rotate': { access: 'authed', apiKey: false },
  'apiKeys.revoke': { access: 'authed' },

  'auditEvents.list': { access: 'admin' },
  'auditEvents.export': { access: 'admin' },
  'auditEvents.verify': { access: 'admin' },

  'users.list': { access: 'admin' },
  'users.byDid': { access: 'admin' },
  'users.setRole': { access: 'admin', apiKey: false },
  'users.grantCredits': { access: 'admin' },
  'users.revokeSessions': { access: 'admin' },
  'users.transferOwnership': { access: 'owner', apiKey: false },

  'config.get': { access: 'admin' },
  'config.update': { access: 'admin' },

  'usage.summary': { access: 'admin' },
  'usage.byUser': { access: 'admin' },
  'usage.byModel': { access: 'admin' },
  'usage.byProvider': { access: 'admin' },
  'usage.byApiKey': { access: 'admin' },

  'providers.list': { access: 'admin' },
  'providers.byId': { access: 'admin' },
  'providers.create': { access: 'admin' },
  'providers.update': { access: 'admin' },
  'providers.delete': { access: 'admin' },
  'providers.setEnabled': { access: 'admin' },

  'credentials.list': { access: 'admin' },
  'credentials.byId': { access: 'admin' },
  'credentials.create': { access: 'admin' },
  'credentials.update': { access: 'admin' },
  'credentials.delete': { access: 'admin' },
  'credentials.setEnabled': { access: 'admin' },
  'credentials.test': { access: 'admin' },

  'modelRates.list': { access: 'authed' },
  'modelRates.upsert': { access: 'admin' },
  'modelRates.delete': { access: 'admin' },
};
