/** The audit page's filter form, and how it becomes the input of `auditEvents.list` / `.export`. */
import { type AUDIT_OUTCOMES, auditFiltersInput } from '../../../lib/schemas';
import { validate, type Validated } from '../../../lib/validation';

export interface AuditFilterForm {
  actionPrefix: string;
  actorDid: string;
  targetType: string;
  targetId: string;
  outcome: (typeof AUDIT_OUTCOMES)[number] | '';
  /** `datetime-local` values (the browser's time zone). */
  from: string;
  to: string;
}

export const NO_FILTERS: AuditFilterForm = {
  actionPrefix: '',
  actorDid: '',
  targetType: '',
  targetId: '',
  outcome: '',
  from: '',
  to: '',
};

/** A `datetime-local` value as an ISO time; an unreadable one stays as typed so the schema names the field. */
function localToIso(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

export function toAuditFilters(form: AuditFilterForm): Validated<{
  actorDid?: string | undefined;
  actionPrefix?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  outcome?: (typeof AUDIT_OUTCOMES)[number] | undefined;
  from?: string | undefined;
  to?: string | undefined;
}> {
  const text = (value: string) => (value.trim() === '' ? undefined : value.trim());
  return validate(auditFiltersInput, {
    actionPrefix: text(form.actionPrefix),
    actorDid: text(form.actorDid),
    targetType: text(form.targetType),
    targetId: text(form.targetId),
    outcome: form.outcome === '' ? undefined : form.outcome,
    from: localToIso(form.from),
    to: localToIso(form.to),
  });
}

/** The outcome's chip colour. */
export const OUTCOME_COLOR = { success: 'success', denied: 'warning', error: 'error' } as const;
