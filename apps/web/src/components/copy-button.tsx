import CheckIcon from '@mui/icons-material/Check';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import { Button, IconButton, Tooltip } from '@mui/material';
import { useEffect, useState } from 'react';

/** Copies `text` to the clipboard and says so for a moment. */
export function CopyButton({
  text,
  label = 'Copy',
  variant = 'icon',
}: {
  text: string;
  /** What is copied, for the accessible name: "Copy DID". */
  label?: string;
  variant?: 'icon' | 'button';
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = () => {
    navigator.clipboard.writeText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };
  const said =
    state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select and copy by hand' : label;
  if (variant === 'button') {
    return (
      <Button
        variant="contained"
        onClick={copy}
        startIcon={state === 'copied' ? <CheckIcon /> : <ContentCopyIcon />}
        aria-live="polite"
      >
        {state === 'idle' ? label : said}
      </Button>
    );
  }
  return (
    <Tooltip title={said}>
      <IconButton size="small" onClick={copy} aria-label={label}>
        {state === 'copied' ? <CheckIcon fontSize="small" /> : <ContentCopyIcon fontSize="small" />}
      </IconButton>
    </Tooltip>
  );
}
