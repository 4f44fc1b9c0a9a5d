import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  TextField,
  Typography,
} from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useNotify } from '../../../components/notifier';
import type { UserView } from '../../../lib/api-types';
import { fieldErrorsOf } from '../../../lib/errors';
import { formatCredits, shortDid } from '../../../lib/format';
import { grantCreditsInput } from '../../../lib/schemas';
import { trpc } from '../../../lib/trpc';
import { numberOrUndefined, validate, type FieldErrors } from '../../../lib/validation';
import { DialogForm } from '../../../components/dialog-form';
import { FormError } from '../../../components/form-error';

/** Adds credits to a balance (or, with a negative amount, takes them away), with a reason kept in the ledger. */
export function GrantCreditsDialog({ user, onClose }: { user: UserView; onClose: () => void }) {
  const queryClient = useQueryClient();
  const notify = useNotify();
  const titleId = useId();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const grant = useMutation(
    trpc.users.grantCredits.mutationOptions({
      onSuccess: (result) => {
        notify(
          `${formatCredits(result.amount)} credits for ${result.user.name ?? shortDid(result.user.did)}`,
        );
        void queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.me.pathKey() });
        onClose();
      },
      onError: (error) => setErrors(fieldErrorsOf(error)),
    }),
  );
  const submit = () => {
    const checked = validate(grantCreditsInput, { did: user.did, amount: numberOrUndefined(amount), reason });
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    grant.mutate(checked.data);
  };
  return (
    <Dialog
      open
      onClose={grant.isPending ? undefined : onClose}
      aria-labelledby={titleId}
      maxWidth="xs"
      fullWidth
    >
      <DialogTitle id={titleId}>Grant credits</DialogTitle>
      <DialogContent>
        <DialogForm id={`${titleId}-form`} onSubmit={submit}>
          <Typography>
            {user.name ?? shortDid(user.did)} has {formatCredits(user.credits)} credits.
          </Typography>
          <TextField
            label="Amount"
            type="number"
            value={amount}
            onChange={(event) => setAmount(event.target.value)}
            error={Boolean(errors.amount)}
            helperText={errors.amount ?? 'Credits to add; a negative amount takes credits away.'}
            slotProps={{ htmlInput: { step: 'any' } }}
            autoFocus
            required
          />
          <TextField
            label="Reason"
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            error={Boolean(errors.reason)}
            helperText={errors.reason ?? 'Kept in the credit ledger and the audit trail.'}
            required
          />
          <FormError error={grant.error} />
        </DialogForm>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={grant.isPending}>
          Cancel
        </Button>
        <Button variant="contained" type="submit" form={`${titleId}-form`} loading={grant.isPending}>
          Grant
        </Button>
      </DialogActions>
    </Dialog>
  );
}
