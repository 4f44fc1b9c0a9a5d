/**
 * Adding or editing a provider: its kind (fixed once created), the name used in `provider/model`, a display
 * name, and where it lives (a base URL for OpenAI-compatible endpoints, a region for Bedrock).
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  MenuItem,
  Switch,
  TextField,
} from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useNotify } from '../../../components/notifier';
import type { ProviderView } from '../../../lib/api-types';
import { fieldErrorsOf } from '../../../lib/errors';
import { createProviderInput, updateProviderInput, type ProviderKindName } from '../../../lib/schemas';
import { trpc } from '../../../lib/trpc';
import { validate, type FieldErrors } from '../../../lib/validation';
import { kindInfo, PROVIDER_KIND_INFO } from './provider-kinds';
import { DialogForm } from '../../../components/dialog-form';
import { FormError } from '../../../components/form-error';

interface Form {
  kind: ProviderKindName;
  name: string;
  displayName: string;
  baseUrl: string;
  region: string;
  enabled: boolean;
}

function formOf(provider: ProviderView | null): Form {
  return {
    kind: provider?.kind ?? 'openai',
    name: provider?.name ?? '',
    displayName: provider?.displayName ?? '',
    baseUrl: provider?.baseUrl ?? '',
    region: provider?.region ?? '',
    enabled: provider?.enabled ?? true,
  };
}

/** The kind's own rules (the hub checks them too): a base URL where there is no default, a region for Bedrock. */
function endpointErrors(form: Form): FieldErrors {
  const info = kindInfo(form.kind);
  const errors: FieldErrors = {};
  if (info?.requiresBaseUrl && form.baseUrl.trim() === '')
    errors.baseUrl = `${info.label} providers need a base URL`;
  if (info?.requiresRegion && form.region.trim() === '') {
    errors.region = `${info.label} providers need a region (for example us-east-1)`;
  }
  return errors;
}

export function ProviderDialog({
  provider,
  open,
  onClose,
}: {
  /** null: add a new provider. */
  provider: ProviderView | null;
  open: boolean;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const notify = useNotify();
  const titleId = useId();
  const [form, setForm] = useState<Form>(() => formOf(provider));
  const [errors, setErrors] = useState<FieldErrors>({});
  const done = (message: string) => {
    notify(message);
    void queryClient.invalidateQueries({ queryKey: trpc.providers.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.credentials.pathKey() });
    onClose();
  };
  const create = useMutation(
    trpc.providers.create.mutationOptions({
      onSuccess: (created) => done(`Provider “${created.displayName}” added`),
      onError: (error) => setErrors(fieldErrorsOf(error)),
    }),
  );
  const update = useMutation(
    trpc.providers.update.mutationOptions({
      onSuccess: (updated) => done(`Provider “${updated.displayName}” saved`),
      onError: (error) => setErrors(fieldErrorsOf(error)),
    }),
  );
  const info = kindInfo(form.kind);
  const set = <K extends keyof Form>(key: K, value: Form[K]) =>
    setForm((current) => ({ ...current, [key]: value }));

  const submit = () => {
    const required = endpointErrors(form);
    const optional = (value: string) => (value.trim() === '' ? undefined : value);
    if (provider === null) {
      const checked = validate(createProviderInput, {
        kind: form.kind,
        name: form.name,
        displayName: optional(form.displayName),
        baseUrl: optional(form.baseUrl),
        region: info?.requiresRegion ? optional(form.region) : undefined,
        enabled: form.enabled,
      });
      const all = { ...required, ...(checked.ok ? {} : checked.errors) };
      setErrors(all);
      if (checked.ok && Object.keys(all).length === 0) create.mutate(checked.data);
      return;
    }
    // Only what changed; an emptied base URL goes back to the kind's default (null).
    const patch = {
      id: provider.id,
      ...(form.name !== provider.name && { name: form.name }),
      ...(form.displayName !== provider.displayName && { displayName: form.displayName }),
      ...(form.baseUrl !== (provider.baseUrl ?? '') && { baseUrl: optional(form.baseUrl) ?? null }),
      ...(info?.requiresRegion && form.region !== (provider.region ?? '') && { region: form.region }),
    };
    const checked = validate(updateProviderInput, patch);
    const all = { ...required, ...(checked.ok ? {} : checked.errors) };
    setErrors(all);
    if (checked.ok && Object.keys(all).length === 0) update.mutate(checked.data);
  };

  const failed = create.error ?? update.error;
  const busy = create.isPending || update.isPending;
  return (
    <Dialog
      open={open}
      onClose={busy ? undefined : onClose}
      aria-labelledby={titleId}
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id={titleId}>{provider ? `Edit ${provider.displayName}` : 'Add a provider'}</DialogTitle>
      <DialogContent>
        <DialogForm id={`${titleId}-form`} onSubmit={submit}>
          <TextField
            select
            label="Kind"
            value={form.kind}
            onChange={(event) => set('kind', event.target.value as ProviderKindName)}
            disabled={provider !== null}
            helperText={
              provider ? 'The kind of a provider cannot change.' : 'Which API the hub speaks to it.'
            }
          >
            {PROVIDER_KIND_INFO.map((kind) => (
              <MenuItem key={kind.kind} value={kind.kind}>
                {kind.label}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            label="Name"
            placeholder="openai"
            value={form.name}
            onChange={(event) => set('name', event.target.value)}
            error={Boolean(errors.name)}
            helperText={errors.name ?? 'Used in model names: name/model. Lowercase letters, digits, . _ -'}
            required
            slotProps={{ htmlInput: { spellCheck: false, autoCapitalize: 'none' } }}
          />
          <TextField
            label="Display name"
            placeholder={info?.label}
            value={form.displayName}
            onChange={(event) => set('displayName', event.target.value)}
            error={Boolean(errors.displayName)}
            helperText={errors.displayName ?? 'Optional; defaults to the kind’s name.'}
          />
          {!info?.requiresRegion && (
            <TextField
              label="Base URL"
              placeholder={info?.defaultBaseUrl ?? 'https://llm.example.com/v1'}
              value={form.baseUrl}
              onChange={(event) => set('baseUrl', event.target.value)}
              error={Boolean(errors.baseUrl)}
              helperText={
                errors.baseUrl ??
                (info?.requiresBaseUrl
                  ? 'Required: where the OpenAI-compatible API lives.'
                  : `Optional; empty uses ${info?.defaultBaseUrl ?? 'the default'}.`)
              }
              required={info?.requiresBaseUrl}
              slotProps={{ htmlInput: { spellCheck: false, inputMode: 'url' } }}
            />
          )}
          {info?.requiresRegion && (
            <TextField
              label="Region"
              placeholder="us-east-1"
              value={form.region}
              onChange={(event) => set('region', event.target.value)}
              error={Boolean(errors.region)}
              helperText={errors.region ?? 'The AWS region of the Bedrock endpoint.'}
              required
            />
          )}
          {provider === null && (
            <FormControlLabel
              control={
                <Switch checked={form.enabled} onChange={(event) => set('enabled', event.target.checked)} />
              }
              label="Enabled"
            />
          )}
          <FormError error={failed} />
        </DialogForm>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button variant="contained" type="submit" form={`${titleId}-form`} loading={busy}>
          {provider ? 'Save' : 'Add provider'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
