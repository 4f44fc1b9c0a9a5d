/**
 * Creating an API key: name, what it may do (scopes), when it expires, optional limits. The answer carries the
 * secret, which is shown once (SecretReveal) and then dropped from memory when the dialog closes.
 */
import {
  Alert,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControl,
  FormControlLabel,
  FormGroup,
  FormHelperText,
  FormLabel,
  MenuItem,
  TextField,
} from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { errorMessage, fieldErrorsOf } from '../../lib/errors';
import { createApiKeyInput } from '../../lib/schemas';
import { trpc } from '../../lib/trpc';
import { numberOrUndefined, validate, type FieldErrors } from '../../lib/validation';
import { SecretReveal } from './secret-reveal';
import { DialogForm } from '../../components/dialog-form';

const EXPIRY_CHOICES = [
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In a year' },
  { value: 'never', label: 'Never' },
] as const;

interface Form {
  name: string;
  ai: boolean;
  api: boolean;
  expiry: (typeof EXPIRY_CHOICES)[number]['value'];
  allowedModels: string;
  rateLimit: string;
}

const EMPTY: Form = { name: '', ai: true, api: false, expiry: '90', allowedModels: '', rateLimit: '' };

export function toCreateInput(form: Form, now: Date = new Date()) {
  const models = form.allowedModels
    .split(/[\s,]+/)
    .map((model) => model.trim())
    .filter(Boolean);
  return {
    name: form.name,
    scopes: [...(form.ai ? ['ai' as const] : []), ...(form.api ? ['api' as const] : [])],
    ...(form.expiry !== 'never' && {
      expiresAt: new Date(now.getTime() + Number(form.expiry) * 86_400_000).toISOString(),
    }),
    ...(models.length > 0 && { allowedModels: models }),
    ...(form.rateLimit.trim() !== '' && { rateLimitPerMinute: numberOrUndefined(form.rateLimit) }),
  };
}

export function CreateApiKeyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const titleId = useId();
  const [form, setForm] = useState<Form>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const create = useMutation(trpc.apiKeys.create.mutationOptions({ gcTime: 0 }));

  const close = () => {
    setForm(EMPTY);
    setErrors({});
    setCreated(null);
    create.reset();
    onClose();
  };

  const submit = () => {
    const checked = validate(createApiKeyInput, toCreateInput(form));
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    create.mutate(checked.data, {
      onSuccess: (result) => {
        setCreated({ name: result.key.name, secret: result.secret });
        // The secret lives in this dialog's state only, not in the mutation cache.
        create.reset();
        void queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.pathKey() });
      },
      onError: (error) => setErrors(fieldErrorsOf(error)),
    });
  };

  const set = <K extends keyof Form>(key: K, value: Form[K]) =>
    setForm((current) => ({ ...current, [key]: value }));

  return (
    <Dialog
      open={open}
      onClose={created ? undefined : close}
      aria-labelledby={titleId}
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id={titleId}>{created ? 'Your new API key' : 'Create an API key'}</DialogTitle>
      <DialogContent>
        {created ? (
          <SecretReveal secret={created.secret} name={created.name} />
        ) : (
          <DialogForm id={`${titleId}-form`} onSubmit={submit}>
            <TextField
              label="Name"
              placeholder="ci-pipeline"
              value={form.name}
              onChange={(event) => set('name', event.target.value)}
              error={Boolean(errors.name)}
              helperText={errors.name ?? 'Say what uses the key, so you can tell keys apart later.'}
              autoFocus
              required
            />
            <FormControl error={Boolean(errors.scopes)} component="fieldset">
              <FormLabel component="legend">What it may do</FormLabel>
              <FormGroup>
                <FormControlLabel
                  control={
                    <Checkbox checked={form.ai} onChange={(event) => set('ai', event.target.checked)} />
                  }
                  label="Call the AI endpoints (ai)"
                />
                <FormControlLabel
                  control={
                    <Checkbox checked={form.api} onChange={(event) => set('api', event.target.checked)} />
                  }
                  label="Use the hub API as you (api)"
                />
              </FormGroup>
              <FormHelperText>{errors.scopes ?? 'Give a key only what it needs.'}</FormHelperText>
            </FormControl>
            <TextField
              select
              label="Expires"
              value={form.expiry}
              onChange={(event) => set('expiry', event.target.value as Form['expiry'])}
              error={Boolean(errors.expiresAt)}
              helperText={errors.expiresAt}
            >
              {EXPIRY_CHOICES.map((choice) => (
                <MenuItem key={choice.value} value={choice.value}>
                  {choice.label}
                </MenuItem>
              ))}
            </TextField>
            <TextField
              label="Allowed models (optional)"
              placeholder="openai/gpt-4o, anthropic/*"
              value={form.allowedModels}
              onChange={(event) => set('allowedModels', event.target.value)}
              error={Object.keys(errors).some((key) => key.startsWith('allowedModels'))}
              helperText={
                Object.entries(errors).find(([key]) => key.startsWith('allowedModels'))?.[1] ??
                'Separated by commas: provider/model, provider/* or a model name. Empty: every model you may use.'
              }
            />
            <TextField
              label="Requests per minute (optional)"
              type="number"
              value={form.rateLimit}
              onChange={(event) => set('rateLimit', event.target.value)}
              error={Boolean(errors.rateLimitPerMinute)}
              helperText={errors.rateLimitPerMinute ?? "Empty: the hub's default limit."}
              slotProps={{ htmlInput: { min: 1 } }}
            />
            {create.isError && Object.keys(fieldErrorsOf(create.error)).length === 0 && (
              <Alert severity="error">{errorMessage(create.error)}</Alert>
            )}
          </DialogForm>
        )}
      </DialogContent>
      <DialogActions>
        {created ? (
          <Button variant="contained" onClick={close}>
            I have copied it
          </Button>
        ) : (
          <>
            <Button onClick={close}>Cancel</Button>
            <Button variant="contained" type="submit" form={`${titleId}-form`} loading={create.isPending}>
              Create key
            </Button>
          </>
        )}
      </DialogActions>
    </Dialog>
  );
}
