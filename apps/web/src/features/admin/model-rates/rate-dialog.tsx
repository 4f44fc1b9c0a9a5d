/**
 * Setting the price of a (provider, model, type). People enter credits per million tokens, as providers publish
 * prices; the hub stores credits per token. With billing on, only rated models can be used.
 */
import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  MenuItem,
  Stack,
  TextField,
} from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useNotify } from '../../../components/notifier';
import type { ModelRateView, ProviderView } from '../../../lib/api-types';
import { fieldErrorsOf } from '../../../lib/errors';
import { perMillionTokens, perToken } from '../../../lib/pricing';
import { MODEL_TYPES, upsertModelRateInput } from '../../../lib/schemas';
import { trpc } from '../../../lib/trpc';
import { numberOrUndefined, validate, type FieldErrors } from '../../../lib/validation';
import { DialogForm } from '../../../components/dialog-form';
import { FormError } from '../../../components/form-error';

interface Form {
  provider: string;
  model: string;
  type: (typeof MODEL_TYPES)[number];
  input: string;
  output: string;
  cacheRead: string;
  cacheWrite: string;
  enabled: boolean;
  deprecated: boolean;
}

const text = (rate: number | null | undefined) =>
  rate === null || rate === undefined ? '' : String(perMillionTokens(rate));

/** A per-million price field as a per-token rate (empty: not given; unreadable: NaN, which the schema refuses). */
function rateOf(value: string): number | undefined {
  const number = numberOrUndefined(value);
  return number === undefined || Number.isNaN(number) ? number : perToken(number);
}

export function RateDialog({
  rate,
  providers,
  onClose,
}: {
  rate: ModelRateView | null;
  providers: ProviderView[];
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const notify = useNotify();
  const titleId = useId();
  const [form, setForm] = useState<Form>({
    provider: rate?.provider ?? providers[0]?.name ?? '',
    model: rate?.model ?? '',
    type: rate?.type ?? 'chat',
    input: text(rate?.inputRate),
    output: text(rate?.outputRate),
    cacheRead: text(rate?.cacheReadRate),
    cacheWrite: text(rate?.cacheWriteRate),
    enabled: rate?.enabled ?? true,
    deprecated: rate?.deprecated ?? false,
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const upsert = useMutation(
    trpc.modelRates.upsert.mutationOptions({
      onSuccess: (result) => {
        notify(
          `${result.created ? 'Added' : 'Saved'} the rate of ${result.rate.provider}/${result.rate.model}`,
        );
        void queryClient.invalidateQueries({ queryKey: trpc.modelRates.pathKey() });
        onClose();
      },
      onError: (error) => setErrors(fieldErrorsOf(error)),
    }),
  );
  const set = <K extends keyof Form>(key: K, value: Form[K]) =>
    setForm((current) => ({ ...current, [key]: value }));

  const submit = () => {
    const checked = validate(upsertModelRateInput, {
      provider: form.provider,
      model: form.model,
      type: form.type,
      inputRate: rateOf(form.input) ?? 0,
      outputRate: rateOf(form.output) ?? 0,
      cacheReadRate: rateOf(form.cacheRead) ?? null,
      cacheWriteRate: rateOf(form.cacheWrite) ?? null,
      enabled: form.enabled,
      deprecated: form.deprecated,
    });
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    upsert.mutate(checked.data);
  };

  const priceField = (
    key: 'input' | 'output' | 'cacheRead' | 'cacheWrite',
    label: string,
    field: string,
    help: string,
  ) => (
    <TextField
      label={label}
      type="number"
      value={form[key]}
      onChange={(event) => set(key, event.target.value)}
      error={Boolean(errors[field])}
      helperText={errors[field] ?? help}
      slotProps={{ htmlInput: { min: 0, step: 'any' } }}
    />
  );

  return (
    <Dialog
      open
      onClose={upsert.isPending ? undefined : onClose}
      aria-labelledby={titleId}
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id={titleId}>
        {rate ? `Rate of ${rate.provider}/${rate.model}` : 'Add a model rate'}
      </DialogTitle>
      <DialogContent>
        <DialogForm id={`${titleId}-form`} onSubmit={submit}>
          <Stack direction={{ xs: 'column', sm: 'row' }} sx={{ gap: 2 }}>
            <TextField
              select
              label="Provider"
              value={form.provider}
              onChange={(event) => set('provider', event.target.value)}
              disabled={rate !== null}
              error={Boolean(errors.provider)}
              helperText={errors.provider}
            >
              {providers.map((provider) => (
                <MenuItem key={provider.id} value={provider.name}>
                  {provider.displayName} ({provider.name})
                </MenuItem>
              ))}
            </TextField>
            <TextField
              select
              label="Type"
              value={form.type}
              onChange={(event) => set('type', event.target.value as Form['type'])}
              disabled={rate !== null}
              sx={{ maxWidth: { sm: 160 } }}
            >
              {MODEL_TYPES.map((type) => (
                <MenuItem key={type} value={type}>
                  {type}
                </MenuItem>
              ))}
            </TextField>
          </Stack>
          <TextField
            label="Model"
            placeholder="gpt-4o-mini"
            value={form.model}
            onChange={(event) => set('model', event.target.value)}
            disabled={rate !== null}
            error={Boolean(errors.model)}
            helperText={errors.model ?? 'As the provider names it.'}
            required
            slotProps={{ htmlInput: { spellCheck: false } }}
          />
          <Stack direction={{ xs: 'column', sm: 'row' }} sx={{ gap: 2 }}>
            {priceField('input', 'Input price', 'inputRate', 'Credits per 1M input tokens')}
            {priceField('output', 'Output price', 'outputRate', 'Credits per 1M output tokens')}
          </Stack>
          <Stack direction={{ xs: 'column', sm: 'row' }} sx={{ gap: 2 }}>
            {priceField('cacheRead', 'Cache read price', 'cacheReadRate', 'Optional; empty: the input price')}
            {priceField(
              'cacheWrite',
              'Cache write price',
              'cacheWriteRate',
              'Optional; empty: the input price',
            )}
          </Stack>
          <Stack direction="row" sx={{ gap: 2, flexWrap: 'wrap' }}>
            <FormControlLabel
              control={
                <Checkbox checked={form.enabled} onChange={(event) => set('enabled', event.target.checked)} />
              }
              label="Enabled"
            />
            <FormControlLabel
              control={
                <Checkbox
                  checked={form.deprecated}
                  onChange={(event) => set('deprecated', event.target.checked)}
                />
              }
              label="Deprecated"
            />
          </Stack>
          <FormError error={upsert.error} />
        </DialogForm>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={upsert.isPending}>
          Cancel
        </Button>
        <Button variant="contained" type="submit" form={`${titleId}-form`} loading={upsert.isPending}>
          {rate ? 'Save' : 'Add rate'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
