import { Alert, AlertTitle, Box, Stack, TextField, Typography } from '@mui/material';
import { CopyButton } from '../../components/copy-button';
import { MONO } from '../../theme';

/**
 * A new API key's secret, shown the one time the hub hands it out: a copy button, a plain warning that it will
 * not be shown again, and how to use it.
 */
export function SecretReveal({ secret, name }: { secret: string; name: string }) {
  const origin = window.location.origin;
  return (
    <Stack sx={{ gap: 2 }}>
      <Alert severity="warning">
        <AlertTitle>Copy this key now: you won&apos;t see it again</AlertTitle>
        The hub keeps only a hash of it. If you lose it, revoke the key and create a new one.
      </Alert>
      <Stack direction={{ xs: 'column', sm: 'row' }} sx={{ gap: 1, alignItems: { sm: 'center' } }}>
        <TextField
          label={`API key “${name}”`}
          value={secret}
          slotProps={{
            htmlInput: { readOnly: true, spellCheck: false, style: { fontFamily: MONO, fontSize: 14 } },
          }}
          onFocus={(event) => event.target.select()}
          data-testid="new-api-key"
        />
        <Box sx={{ flexShrink: 0 }}>
          <CopyButton text={secret} label="Copy key" variant="button" />
        </Box>
      </Stack>
      <div>
        <Typography variant="body2" sx={{ fontWeight: 600, mb: 0.5 }}>
          Use it with any OpenAI SDK or plain HTTP:
        </Typography>
        <Box
          component="pre"
          sx={{
            m: 0,
            p: 1.5,
            bgcolor: '#1f2333',
            color: '#e8eaf6',
            borderRadius: 2,
            fontFamily: MONO,
            fontSize: 12.5,
            overflowX: 'auto',
          }}
        >
          {`curl ${origin}/api/v1/chat/completions \\
  -H "Authorization: Bearer $AIGNE_HUB_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"model":"provider/model","messages":[{"role":"user","content":"Hello"}]}'`}
        </Box>
      </div>
    </Stack>
  );
}
