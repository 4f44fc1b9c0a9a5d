/**
 * The settings page's form: every setting as a switch or as text (number fields are text while typed), and the
 * patch that turns the edited form into a `config.update` input holding only what changed.
 */
import type { HubSettings, SettingsPatch } from '../../../lib/api-types';
import { settingsPatchSchema } from '../../../lib/schemas';
import { numberOrUndefined, validate, type Validated } from '../../../lib/validation';

export interface SettingField {
  section: keyof HubSettings;
  key: string;
  label: string;
  unit: string;
  help: string;
}

/** A setting that is on or off. */
export interface SwitchField {
  section: keyof HubSettings;
  key: string;
  label: string;
  help: string;
}

export const SWITCH_FIELDS: SwitchField[] = [
  {
    section: 'billing',
    key: 'enabled',
    label: 'Billing',
    help: 'When on, AI calls need an enabled model rate and enough credits, and are charged.',
  },
  {
    section: 'healthProbe',
    key: 'enabled',
    label: 'Probe unhealthy credentials',
    help: 'Checks cooled-down and invalid credentials in the background (one “list models” call each), so a key that works again is used again without waiting for traffic.',
  },
  {
    section: 'healthProbe',
    key: 'paidProviders',
    label: 'Probe paid providers too',
    help: 'Also checks credentials of providers that bill or rate-limit the key (every kind but Ollama).',
  },
];

export const NUMBER_FIELDS: SettingField[] = [
  {
    section: 'credits',
    key: 'newUserCredits',
    label: 'Credits for new users',
    unit: 'credits',
    help: 'Given once, at a user’s first sign-in.',
  },
  {
    section: 'sessions',
    key: 'idleTimeoutMinutes',
    label: 'Idle timeout',
    unit: 'minutes',
    help: 'A session unused this long ends (5 minutes to 30 days).',
  },
  {
    section: 'sessions',
    key: 'absoluteTimeoutHours',
    label: 'Session lifetime',
    unit: 'hours',
    help: 'A session ends this long after sign-in, used or not.',
  },
  {
    section: 'rateLimits',
    key: 'apiKeyRequestsPerMinute',
    label: 'API key requests per minute',
    unit: 'requests',
    help: 'For keys without their own limit; 0 means unlimited.',
  },
  {
    section: 'rateLimits',
    key: 'failedAuthPerIp',
    label: 'Failed sign-ins per address',
    unit: 'per 15 min',
    help: 'Failed sign-ins or key checks from one IP before it is refused for a while.',
  },
  {
    section: 'rateLimits',
    key: 'failedSignInsPerDid',
    label: 'Failed sign-ins per DID',
    unit: 'per 15 min',
    help: 'Failed sign-ins for one DID from one IP before that pair is refused.',
  },
  {
    section: 'gateway',
    key: 'upstreamTimeoutMs',
    label: 'Upstream timeout',
    unit: 'ms',
    help: 'How long a provider may take to answer (1,000 to 600,000 ms).',
  },
  {
    section: 'audit',
    key: 'retentionDays',
    label: 'Audit retention',
    unit: 'days',
    help: 'Days to keep audit events; 0 keeps them forever.',
  },
  {
    section: 'healthProbe',
    key: 'intervalMinutes',
    label: 'Probe interval',
    unit: 'minutes',
    help: 'Minutes between two checks of the same credential (1 to 1,440); a test from this page counts.',
  },
];

export interface SettingsForm {
  /** `section.key` -> on/off. */
  switches: Record<string, boolean>;
  /** `section.key` -> text. */
  numbers: Record<string, string>;
}

export const fieldPath = (field: { section: string; key: string }) => `${field.section}.${field.key}`;

function valueAt(settings: HubSettings, field: { section: keyof HubSettings; key: string }): unknown {
  return (settings[field.section] as Record<string, unknown>)[field.key];
}

export function formOf(settings: HubSettings): SettingsForm {
  return {
    switches: Object.fromEntries(
      SWITCH_FIELDS.map((field) => [fieldPath(field), valueAt(settings, field) === true]),
    ),
    numbers: Object.fromEntries(
      NUMBER_FIELDS.map((field) => [fieldPath(field), String(valueAt(settings, field))]),
    ),
  };
}

export function defaultOf(defaults: HubSettings, field: SettingField): number {
  return valueAt(defaults, field) as number;
}

/** The changed settings as a patch, validated by the hub's rules; an emptied field is an error, not a change. */
export function patchOf(current: HubSettings, form: SettingsForm): Validated<SettingsPatch> {
  const patch: Record<string, Record<string, unknown>> = {};
  for (const field of SWITCH_FIELDS) {
    const on = form.switches[fieldPath(field)] ?? false;
    if (on !== valueAt(current, field)) (patch[field.section] ??= {})[field.key] = on;
  }
  for (const field of NUMBER_FIELDS) {
    const value = numberOrUndefined(form.numbers[fieldPath(field)] ?? '');
    if (value === valueAt(current, field)) continue;
    (patch[field.section] ??= {})[field.key] = value ?? Number.NaN;
  }
  return validate(settingsPatchSchema, patch);
}
