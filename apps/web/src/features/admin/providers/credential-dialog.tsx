/**
 * Adding or editing a credential. Secret fields are write-only: they start empty, are typed into password
 * inputs, and on edit an empty field keeps the stored secret (shown masked as the placeholder). The form is
 * cleared as soon as the hub has the secret, so it stays in the page no longer than the request.
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  Switch,
  TextField,
} from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useNotify } from '../../../components/notifier';
import type { CredentialView, ProviderView } from '../../../lib/api-types';
import { fieldErrorsOf } from '../../../lib/errors';
import { createCredentialInput, updateCredentialInput } from '../../../lib/schemas';
import { trpc } from '../../../lib/trpc';
import { numberOrUndefined, validate, type FieldErrors } from '../../../lib/validation';
import { DialogForm } from '../../../components/dialog-form';
import { FormError } from '../../../components/form-error';

interface Form {
  name: string;
  apiKey: string;
  accessKeyId: string;
  secretAccessKey: string;
  weight: string;
  enabled: boolean;
}

const secretInput = {
  htmlInput: { spellCheck: false, autoCapitalize: 'none', autoCorrect: 'off' },
} as const;

export function CredentialDialog({
  provider,
  credential,
  onClose,
}: {
  provider: ProviderView;
  /** null: add a new one. */
  credential: CredentialView | null;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const notify = useNotify();
  const titleId = useId();
  const pair = provider.credentialType === 'access_key_pair';
  const [form, setForm] = useState<Form>({
    name: credential?.name ?? '',
    apiKey: '',
    accessKeyId: '',
    secretAccessKey: '',
    weight: String(credential?.weight ?? 100),
    enabled: credential?.enabled ?? true,
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const clearSecrets = () => setForm((current) => ({ ...current, apiKey: '', secretAccessKey: '' }));
  const finish = (message: string) => {
    clearSecrets();
    notify(message);
    void queryClient.invalidateQueries({ queryKey: trpc.credentials.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.providers.pathKey() });
    onClose();
  };
  // gcTime 0 and reset(): the variables (which hold the secret) do not linger in the mutation cache.
  const create = useMutation(trpc.credentials.create.mutationOptions({ gcTime: 0 }));
  const update = useMutation(trpc.credentials.update.mutationOptions({ gcTime: 0 }));
  const set = <K extends keyof Form>(key: K, value: Form[K]) =>
    setForm((current) => ({ ...current, [key]: value }));

  const value = () => {
    const given = (text: string) => (text.trim() === '' ? undefined : text);
    return pair
      ? { access_key_id: given(form.accessKeyId), secret_access_key: given(form.secretAccessKey) }
      : { api_key: given(form.apiKey) };
  };

  const submit = () => {
    const handlers = {
      onError: (error: unknown) => setErrors(fieldErrorsOf(error)),
    };
    if (credential === null) {
      const input = value();
      const missing: FieldErrors = {};
      if (!pair && !input.api_key && !provider.credentialOptional)
        missing['value.api_key'] = 'an API key is required';
      if (pair && !input.access_key_id) missing['value.access_key_id'] = 'an access key id is required';
      if (pair && !input.secret_access_key)
        missing['value.secret_access_key'] = 'a secret access key is required';
      const checked = validate(createCredentialInput, {
        providerId: provider.id,
        name: form.name,
        value: input,
        weight: numberOrUndefined(form.weight),
        enabled: form.enabled,
      });
      const all = { ...missing, ...(checked.ok ? {} : checked.errors) };
      setErrors(all);
      if (!checked.ok || Object.keys(all).length > 0) return;
      create.mutate(checked.data, {
        ...handlers,
        onSuccess: (created) => {
          create.reset();
          finish(`Credential “${created.name}” added`);
        },
      });
      return;
    }
    const input = value();
    const changedValue = Object.values(input).some((field) => field !== undefined);
    const checked = validate(updateCredentialInput, {
      id: credential.id,
      ...(form.name !== credential.name && { name: form.name }),
      ...(changedValue && { value: input }),
      ...(numberOrUndefined(form.weight) !== credential.weight && { weight: numberOrUndefined(form.weight) }),
    });
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    update.mutate(checked.data, {
      ...handlers,
      onSuccess: (updated) => {
        update.reset();
        finish(`Credential “${updated.name}” saved`);
      },
    });
  };

  const masked = (field: string) => credential?.value[field];
  const keepHint = (field: string) =>
    credential ? `Leave empty to keep the stored one (${masked(field) ?? 'none'}).` : undefined;
  const failed = create.error ?? update.error;
  const busy = create.isPending || update.isPending;

  return (
    <Dialog open onClose={busy ? undefined : onClose} aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <DialogTitle id={titleId}>
        {credential ? `Edit credential “${credential.name}”` : `Add a credential to ${provider.displayName}`}
      </DialogTitle>
      <DialogContent>
        <DialogForm id={`${titleId}-form`} onSubmit={submit} autoComplete="off">
          <TextField
            label="Name"
            placeholder="primary"
            value={form.name}
            onChange={(event) => set('name', event.target.value)}
            error={Boolean(errors.name)}
            helperText={errors.name ?? 'To tell this key apart from the provider’s other keys.'}
            required
          />
          {pair ? (
            <>
              <TextField
                label="Access key ID"
                placeholder={masked('access_key_id') ?? 'AKIA…'}
                value={form.accessKeyId}
                onChange={(event) => set('accessKeyId', event.target.value)}
                error={Boolean(errors['value.access_key_id'])}
                helperText={
                  errors['value.access_key_id'] ??
                  keepHint('access_key_id') ??
                  'Stored readable: it only identifies the key.'
                }
                required={!credential}
                slotProps={{ htmlInput: { spellCheck: false, autoCapitalize: 'characters' } }}
              />
              <TextField
                label="Secret access key"
                type="password"
                autoComplete="new-password"
                placeholder={credential ? masked('secret_access_key') : undefined}
                value={form.secretAccessKey}
                onChange={(event) => set('secretAccessKey', event.target.value)}
                error={Boolean(errors['value.secret_access_key'])}
                helperText={
                  errors['value.secret_access_key'] ??
                  keepHint('secret_access_key') ??
                  'Encrypted at rest; never shown again.'
                }
                required={!credential}
                slotProps={secretInput}
              />
            </>
          ) : (
            <TextField
              label="API key"
              type="password"
              autoComplete="new-password"
              placeholder={credential ? masked('api_key') : 'sk-…'}
              value={form.apiKey}
              onChange={(event) => set('apiKey', event.target.value)}
              error={Boolean(errors['value.api_key'])}
              helperText={
                errors['value.api_key'] ??
                keepHint('api_key') ??
                (provider.credentialOptional
                  ? 'Optional for this kind. Encrypted at rest; shown masked from now on.'
                  : 'Encrypted at rest; shown masked from now on.')
              }
              required={!credential && !provider.credentialOptional}
              slotProps={secretInput}
            />
          )}
          <TextField
            label="Weight"
            type="number"
            value={form.weight}
            onChange={(event) => set('weight', event.target.value)}
            error={Boolean(errors.weight)}
            helperText={errors.weight ?? 'Share of traffic among this provider’s credentials (1–1000).'}
            slotProps={{ htmlInput: { min: 1, max: 1000 } }}
          />
          {credential === null && (
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
        <Button
          onClick={() => {
            clearSecrets();
            onClose();
          }}
          disabled={busy}
        >
          Cancel
        </Button>
        <Button variant="contained" type="submit" form={`${titleId}-form`} loading={busy}>
          {credential ? 'Save' : 'Add credential'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
