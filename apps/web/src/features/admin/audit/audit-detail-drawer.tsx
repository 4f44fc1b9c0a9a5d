import CloseIcon from '@mui/icons-material/Close';
import { Box, Chip, Divider, Drawer, IconButton, Stack, Typography } from '@mui/material';
import { useId } from 'react';
import type { AuditEventView } from '../../../lib/api-types';
import { formatDateTime } from '../../../lib/format';
import { MONO } from '../../../theme';
import { OUTCOME_COLOR } from './audit-filters';

function Field({ label, value, mono = false }: { label: string; value: string | null; mono?: boolean }) {
  return (
    <Box
      sx={{
        display: 'grid',
        gridTemplateColumns: { xs: '1fr', sm: '130px 1fr' },
        gap: { xs: 0, sm: 2 },
        py: 0.75,
      }}
    >
      <Typography component="dt" variant="body2" sx={{ color: 'text.secondary', fontWeight: 600 }}>
        {label}
      </Typography>
      <Typography
        component="dd"
        variant="body2"
        sx={{ m: 0, wordBreak: 'break-all', ...(mono && { fontFamily: MONO, fontSize: 12.5 }) }}
      >
        {value ?? '—'}
      </Typography>
    </Box>
  );
}

/** Everything one audit event says, including its hashes. Details were redacted when the event was written. */
export function AuditDetailDrawer({ event, onClose }: { event: AuditEventView | null; onClose: () => void }) {
  const titleId = useId();
  return (
    <Drawer
      anchor="right"
      open={event !== null}
      onClose={onClose}
      slotProps={{ paper: { sx: { width: { xs: '100%', sm: 520 } }, 'aria-labelledby': titleId } }}
    >
      {event && (
        <Box sx={{ p: 3 }} data-testid="audit-drawer">
          <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'flex-start', gap: 2 }}>
            <div>
              <Typography variant="overline" sx={{ color: 'text.secondary' }}>
                Event #{event.seq}
              </Typography>
              <Typography variant="h6" component="h2" id={titleId} sx={{ fontFamily: MONO }}>
                {event.action}
              </Typography>
            </div>
            <IconButton onClick={onClose} aria-label="Close details">
              <CloseIcon />
            </IconButton>
          </Stack>
          <Chip size="small" label={event.outcome} color={OUTCOME_COLOR[event.outcome]} sx={{ mt: 1 }} />
          <Box component="dl" sx={{ mt: 2, mb: 0 }}>
            <Field label="Time" value={`${formatDateTime(event.ts)} (${event.ts})`} />
            <Field label="Actor" value={event.actorDid} mono />
            <Field label="Role" value={event.actorRole} />
            <Field label="Came in via" value={event.via} />
            <Field label="IP address" value={event.ip} />
            <Field label="User agent" value={event.userAgent} />
            <Field label="Request id" value={event.requestId} mono />
            <Field
              label="Target"
              value={event.targetType ? `${event.targetType} ${event.targetId ?? ''}` : null}
            />
            <Field label="Reason" value={event.reason} />
            <Field label="Event id" value={event.id} mono />
          </Box>
          <Divider sx={{ my: 2 }} />
          <Typography variant="subtitle2" component="h3" sx={{ mb: 1 }}>
            Details
          </Typography>
          <Box
            component="pre"
            sx={{
              m: 0,
              p: 1.5,
              bgcolor: '#f4f5fa',
              borderRadius: 2,
              fontFamily: MONO,
              fontSize: 12.5,
              overflowX: 'auto',
              whiteSpace: 'pre-wrap',
              wordBreak: 'break-word',
            }}
          >
            {event.details ? JSON.stringify(event.details, null, 2) : 'No details'}
          </Box>
          <Divider sx={{ my: 2 }} />
          <Typography variant="subtitle2" component="h3" sx={{ mb: 1 }}>
            Hash chain
          </Typography>
          <Box component="dl" sx={{ m: 0 }}>
            <Field label="Previous hash" value={event.prevHash} mono />
            <Field label="Hash" value={event.hash} mono />
          </Box>
        </Box>
      )}
    </Drawer>
  );
}
