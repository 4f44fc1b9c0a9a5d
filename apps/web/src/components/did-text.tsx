import { Box, Stack, Tooltip } from '@mui/material';
import { shortDid } from '../lib/format';
import { MONO } from '../theme';
import { CopyButton } from './copy-button';

/** A DID, shortened on screen, whole in the tooltip and in what is copied. */
export function DidText({ did, copy = false }: { did: string; copy?: boolean }) {
  return (
    <Stack direction="row" component="span" sx={{ alignItems: 'center', gap: 0.25, display: 'inline-flex' }}>
      <Tooltip title={did} describeChild>
        <Box component="span" sx={{ fontFamily: MONO, fontSize: '0.85em' }}>
          {shortDid(did)}
        </Box>
      </Tooltip>
      {copy && <CopyButton text={did} label="Copy DID" />}
    </Stack>
  );
}
