/**
 * Hub-wide settings: billing, credits for new users, session lifetimes, rate limits, timeouts, audit retention
 * and the credential health probe.
 */
import {
  Box,
  Button,
  Card,
  CardContent,
  FormControlLabel,
  InputAdornment,
  Stack,
  Switch,
  TextField,
  Typography,
} from '@mui/material';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useNotify } from '../../../components/notifier';
import { PageHeader } from '../../../components/page-header';
import { QueryView } from '../../../components/query-state';
import type { HubSettings } from '../../../lib/api-types';
import { fieldErrorsOf } from '../../../lib/errors';
import { formatInteger } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import type { FieldErrors } from '../../../lib/validation';
import {
  defaultOf,
  fieldPath,
  formOf,
  NUMBER_FIELDS,
  patchOf,
  SWITCH_FIELDS,
  type SettingsForm,
  type SwitchField,
} from './settings-form';
import { FormError } from '../../../components/form-error';

const SECTIONS: { title: string; description: string; sections: string[] }[] = [
  {
    title: 'Billing and credits',
    description: 'Whether AI calls cost credits, and what new users start with.',
    sections: ['billing', 'credits'],
  },
  { title: 'Sessions', description: 'How long a browser stays signed in.', sections: ['sessions'] },
  {
    title: 'Rate limits',
    description: 'Limits for API keys and for failed sign-ins.',
    sections: ['rateLimits'],
  },
  {
    title: 'Gateway and audit',
    description: 'How long providers may take, and how long the audit trail is kept.',
    sections: ['gateway', 'audit'],
  },
  {
    title: 'Credential health',
    description: 'Whether the hub checks unhealthy provider keys by itself, and how often.',
    sections: ['healthProbe'],
  },
];

function SwitchSetting({
  field,
  checked,
  onChange,
}: {
  field: SwitchField;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  const helpId = useId();
  return (
    <Box>
      <FormControlLabel
        control={
          <Switch
            checked={checked}
            onChange={(event) => onChange(event.target.checked)}
            slotProps={{ input: { 'aria-describedby': helpId } }}
          />
        }
        label={field.label}
      />
      <Typography id={helpId} variant="body2" sx={{ color: 'text.secondary', ml: 6.5, mt: -0.5 }}>
        {field.help}
      </Typography>
    </Box>
  );
}

function Editor({ settings, defaults }: { settings: HubSettings; defaults: HubSettings }) {
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [form, setForm] = useState<SettingsForm>(() => formOf(settings));
  const [errors, setErrors] = useState<FieldErrors>({});
  const update = useMutation(
    trpc.config.update.mutationOptions({
      onSuccess: (result) => {
        notify(result.changed.length > 0 ? `Saved: ${result.changed.join(', ')}` : 'Nothing changed');
        setForm(formOf(result.settings));
        void queryClient.invalidateQueries({ queryKey: trpc.config.pathKey() });
      },
      onError: (error) => setErrors(fieldErrorsOf(error)),
    }),
  );
  const checked = patchOf(settings, form);
  const dirty = !checked.ok || Object.keys(checked.data).length > 0;

  const save = () => {
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    update.mutate(checked.data);
  };

  return (
    <Box
      component="form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      {SECTIONS.map((group) => (
        <Card key={group.title} component="section" aria-label={group.title} sx={{ mb: 3 }}>
          <CardContent>
            <Typography variant="h6" component="h2">
              {group.title}
            </Typography>
            <Typography variant="body2" sx={{ color: 'text.secondary', mb: 2.5 }}>
              {group.description}
            </Typography>
            {SWITCH_FIELDS.some((field) => group.sections.includes(field.section)) && (
              <Stack sx={{ gap: 1.5, mb: 2.5 }}>
                {SWITCH_FIELDS.filter((field) => group.sections.includes(field.section)).map((field) => (
                  <SwitchSetting
                    key={fieldPath(field)}
                    field={field}
                    checked={form.switches[fieldPath(field)] ?? false}
                    onChange={(on) =>
                      setForm((current) => ({
                        ...current,
                        switches: { ...current.switches, [fieldPath(field)]: on },
                      }))
                    }
                  />
                ))}
              </Stack>
            )}
            <Box sx={{ display: 'grid', gap: 2.5, gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' } }}>
              {NUMBER_FIELDS.filter((field) => group.sections.includes(field.section)).map((field) => {
                const key = fieldPath(field);
                return (
                  <TextField
                    key={key}
                    label={field.label}
                    type="number"
                    value={form.numbers[key] ?? ''}
                    onChange={(event) =>
                      setForm((current) => ({
                        ...current,
                        numbers: { ...current.numbers, [key]: event.target.value },
                      }))
                    }
                    error={Boolean(errors[key])}
                    helperText={`${errors[key] ?? field.help} Default: ${formatInteger(defaultOf(defaults, field))}.`}
                    slotProps={{
                      input: { endAdornment: <InputAdornment position="end">{field.unit}</InputAdornment> },
                      htmlInput: { step: field.key === 'newUserCredits' ? 'any' : 1, min: 0 },
                    }}
                  />
                );
              })}
            </Box>
          </CardContent>
        </Card>
      ))}
      <FormError error={update.error} sx={{ mb: 2 }} />
      <Stack
        direction="row"
        sx={{
          gap: 1,
          justifyContent: 'flex-end',
          position: 'sticky',
          bottom: 0,
          py: 2,
          bgcolor: 'background.default',
        }}
      >
        <Button
          onClick={() => {
            setForm(formOf(settings));
            setErrors({});
          }}
          disabled={!dirty || update.isPending}
        >
          Discard changes
        </Button>
        <Button type="submit" variant="contained" disabled={!dirty} loading={update.isPending}>
          Save settings
        </Button>
      </Stack>
    </Box>
  );
}

export function SettingsPage() {
  const config = useQuery(trpc.config.get.queryOptions());
  return (
    <>
      <PageHeader
        title="Settings"
        description="Hub-wide settings. Changes apply at once and are recorded in the audit trail."
      />
      <QueryView
        query={config}
        loadingLabel="Loading settings…"
        errorTitle="The settings could not be loaded"
      >
        {(data) => (
          <Editor key={JSON.stringify(data.settings)} settings={data.settings} defaults={data.defaults} />
        )}
      </QueryView>
    </>
  );
}
