// The `config` admin router over real HTTP: reading settings with their defaults, patching them with one audit
// event holding the changed sections before and after, no event for a no-op, rollback on audit failure, and
// the new values taking effect at once.
import { config } from '@aigne-hub/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../src/settings/settings';
import { countEvents, eventsOf, onlyEventOf, signInPerson, withAuditFailure, type Person } from './admin-kit';
import { errorCode, startTestHub, type TestHub } from './helpers';

let t: TestHub;
let owner: Person;
let admin: Person;
let guest: Person;

beforeAll(async () => {
  t = await startTestHub();
  owner = await signInPerson(t, t.hub.setupCode!);
  admin = await signInPerson(t);
  guest = await signInPerson(t);
  await owner.session.trpc.users.setRole.mutate({ did: admin.did, role: 'admin' });
});
afterAll(() => t.close());

/** What the settings should be: the defaults with `changes` applied section by section. */
function settingsWith(changes: { [S in keyof Settings]?: Partial<Settings[S]> }): Settings {
  const result = structuredClone(DEFAULT_SETTINGS);
  for (const [section, fields] of Object.entries(changes)) {
    Object.assign(result[section as keyof Settings], fields);
  }
  return result;
}

describe('config.get', () => {
  it('returns the settings in force and the defaults', async () => {
    expect(await admin.session.trpc.config.get.query()).toEqual({
      settings: DEFAULT_SETTINGS,
      defaults: DEFAULT_SETTINGS,
    });
  });

  it('is refused to a guest, and the refusal is audited', async () => {
    expect(await errorCode(guest.session.trpc.config.get.query())).toBe('FORBIDDEN');
    expect(onlyEventOf(t, guest.session.lastRequestId())).toMatchObject({
      action: 'config.get',
      outcome: 'denied',
      actorDid: guest.did,
    });
  });
});

describe('config.update', () => {
  it('changes what it names and records the changed sections before and after in one event', async () => {
    const result = await admin.session.trpc.config.update.mutate({
      billing: { enabled: true },
      credits: { newUserCredits: 2.5 },
    });
    const requestId = admin.session.lastRequestId();
    const expected = settingsWith({ billing: { enabled: true }, credits: { newUserCredits: 2.5 } });
    expect(result).toEqual({ settings: expected, changed: ['billing', 'credits'] });

    const event = onlyEventOf(t, requestId);
    expect(event).toMatchObject({
      actorDid: admin.did,
      actorRole: 'admin',
      via: 'session',
      ip: '127.0.0.1',
      userAgent: 'admin-suite/1.0',
      requestId,
      action: 'config.update',
      targetType: 'config',
      targetId: 'settings',
      outcome: 'success',
      reason: null,
    });
    expect(event.details).toEqual({
      changed: ['billing', 'credits'],
      before: { billing: { enabled: false }, credits: { newUserCredits: 0 } },
      after: { billing: { enabled: true }, credits: { newUserCredits: 2.5 } },
    });
    expect((await admin.session.trpc.config.get.query()).settings).toEqual(expected);
    const rows = t.hub.services.hubDb.select().from(config).all();
    expect(rows.map((row) => [row.key, row.value, row.updatedBy]).sort()).toEqual([
      ['settings.billing', { enabled: true }, admin.did],
      ['settings.credits', { newUserCredits: 2.5 }, admin.did],
    ]);
  });

  it('keeps the other fields of a section it patches', async () => {
    const result = await admin.session.trpc.config.update.mutate({
      sessions: { idleTimeoutMinutes: 30 },
      rateLimits: { apiKeyRequestsPerMinute: 0 },
      audit: { retentionDays: 90 },
    });
    expect(result.changed).toEqual(['sessions', 'rateLimits', 'audit']);
    expect(result.settings.sessions).toEqual({ idleTimeoutMinutes: 30, absoluteTimeoutHours: 7 * 24 });
    expect(onlyEventOf(t, admin.session.lastRequestId()).details).toEqual({
      changed: ['sessions', 'rateLimits', 'audit'],
      before: {
        sessions: DEFAULT_SETTINGS.sessions,
        rateLimits: DEFAULT_SETTINGS.rateLimits,
        audit: { retentionDays: 0 },
      },
      after: {
        sessions: { idleTimeoutMinutes: 30, absoluteTimeoutHours: 168 },
        rateLimits: { ...DEFAULT_SETTINGS.rateLimits, apiKeyRequestsPerMinute: 0 },
        audit: { retentionDays: 90 },
      },
    });
  });

  it('writes no event when nothing changes', async () => {
    const before = countEvents(t, 'config.update', 'success');
    expect(await admin.session.trpc.config.update.mutate({})).toMatchObject({ changed: [] });
    expect(eventsOf(t, admin.session.lastRequestId())).toEqual([]);
    const same = await admin.session.trpc.config.update.mutate({
      billing: { enabled: true },
      audit: { retentionDays: 90 },
    });
    expect(same.changed).toEqual([]);
    expect(eventsOf(t, admin.session.lastRequestId())).toEqual([]);
    expect(countEvents(t, 'config.update', 'success')).toBe(before);
  });

  it('refuses unknown sections and fields, mistyped and out-of-range values', async () => {
    const update = (patch: unknown) => errorCode(admin.session.trpc.config.update.mutate(patch as never));
    expect(await update({ smtp: { host: 'x' } })).toBe('BAD_REQUEST');
    expect(await update({ billing: { enabled: true, free: true } })).toBe('BAD_REQUEST');
    expect(await update({ billing: { enabled: 'yes' } })).toBe('BAD_REQUEST');
    expect(await update({ sessions: { idleTimeoutMinutes: 1 } })).toBe('BAD_REQUEST');
    expect(await update({ sessions: { absoluteTimeoutHours: 1.5 } })).toBe('BAD_REQUEST');
    expect(await update({ credits: { newUserCredits: -1 } })).toBe('BAD_REQUEST');
    expect(await update({ audit: { retentionDays: 36_501 } })).toBe('BAD_REQUEST');
    expect(await update(undefined)).toBe('BAD_REQUEST');
    expect((await admin.session.trpc.config.get.query()).settings.sessions.idleTimeoutMinutes).toBe(30);
  });

  it('rolls the change back when its audit event cannot be written', async () => {
    const code = await withAuditFailure(t, 'config.update', () =>
      errorCode(admin.session.trpc.config.update.mutate({ audit: { retentionDays: 7 } })),
    );
    expect(code).toBe('INTERNAL_SERVER_ERROR');
    expect((await admin.session.trpc.config.get.query()).settings.audit.retentionDays).toBe(90);
    expect(t.hub.services.settings.get().audit.retentionDays).toBe(90);
  });

  it('is refused to a guest, and nothing changes', async () => {
    expect(await errorCode(guest.session.trpc.config.update.mutate({ billing: { enabled: false } }))).toBe(
      'FORBIDDEN',
    );
    expect(t.hub.services.settings.get().billing.enabled).toBe(true);
  });
});

describe('new settings take effect at once', () => {
  it('gives people signing in for the first time the new credits', async () => {
    const newcomer = await signInPerson(t);
    expect(await newcomer.session.trpc.me.get.query()).toMatchObject({ credits: 2.5 });
  });

  it('ends sessions idle for longer than the new idle timeout', async () => {
    await admin.session.trpc.config.update.mutate({ sessions: { idleTimeoutMinutes: 5 } });
    expect(await guest.session.trpc.me.get.query()).toMatchObject({ did: guest.did });
    t.time.offsetMs = 6 * 60_000;
    try {
      expect(await errorCode(guest.session.trpc.me.get.query())).toBe('UNAUTHORIZED');
    } finally {
      t.time.offsetMs = 0;
    }
  });
});
