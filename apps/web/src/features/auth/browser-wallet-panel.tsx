/**
 * Signing in with the DID wallet kept in this browser: create one or import a key file, keep a backup of it (the
 * page offers the key file and says why it matters), and sign the hub's challenge with it.
 */
import DownloadIcon from '@mui/icons-material/Download';
import FileUploadOutlinedIcon from '@mui/icons-material/FileUploadOutlined';
import KeyOutlinedIcon from '@mui/icons-material/KeyOutlined';
import { Alert, AlertTitle, Box, Button, Divider, Link, Stack, Typography } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { useState, type ChangeEvent } from 'react';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { CopyButton } from '../../components/copy-button';
import { downloadText } from '../../lib/download';
import { errorMessage } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { HANDLES_UNAUTHORIZED, trpc } from '../../lib/trpc';
import { MONO } from '../../theme';
import {
  createWallet,
  forgetWallet,
  keyFileName,
  loadWallet,
  parseKeyFile,
  saveWallet,
  signChallenge,
  toKeyFile,
  type StoredWallet,
} from '../wallet/wallet';

function KeyFileInput({ label, onFile }: { label: string; onFile: (text: string) => void }) {
  const read = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) void file.text().then(onFile);
  };
  return (
    <Button component="label" variant="outlined" startIcon={<FileUploadOutlinedIcon />} fullWidth>
      {label}
      <input
        type="file"
        accept="application/json,.json"
        hidden
        onChange={read}
        data-testid="key-file-input"
      />
    </Button>
  );
}

function BackupNotice({
  wallet,
  onSaved,
}: {
  wallet: StoredWallet;
  onSaved: (wallet: StoredWallet) => void;
}) {
  const save = () => {
    downloadText(keyFileName(wallet), toKeyFile(wallet), 'application/json');
    onSaved({ ...wallet, backedUpAt: new Date().toISOString() });
  };
  if (wallet.backedUpAt) {
    return (
      <Typography variant="body2" sx={{ color: 'text.secondary' }}>
        Key file saved {formatDateTime(wallet.backedUpAt)}.{' '}
        <Link component="button" type="button" onClick={save} sx={{ verticalAlign: 'baseline' }}>
          Download it again
        </Link>
      </Typography>
    );
  }
  return (
    <Alert
      severity="warning"
      action={
        <Button color="inherit" size="small" startIcon={<DownloadIcon />} onClick={save}>
          Download
        </Button>
      }
    >
      <AlertTitle>Back up your key</AlertTitle>
      This key exists only in this browser. Save its key file somewhere safe: it is the only way to sign in as
      this DID from another browser, or after this browser&apos;s data is cleared. Anyone holding the file can
      sign in as you.
    </Alert>
  );
}

export function BrowserWalletPanel({
  needsOwner,
  ownerCode,
  onMissingCode,
  onSignedIn,
}: {
  needsOwner: boolean;
  /** The setup code to claim the hub with, once it is well-formed (null: not given yet). */
  ownerCode: string | null;
  /** Sign-in was asked for while the hub needs its owner's setup code and it is missing. */
  onMissingCode: () => void;
  onSignedIn: () => Promise<void>;
}) {
  const challenge = useMutation(trpc.auth.challenge.mutationOptions(HANDLES_UNAUTHORIZED));
  const login = useMutation(trpc.auth.login.mutationOptions(HANDLES_UNAUTHORIZED));
  const [wallet, setWallet] = useState<StoredWallet | null>(() => loadWallet());
  const [problem, setProblem] = useState<string | null>(null);
  const [signingIn, setSigningIn] = useState(false);
  const [confirmForget, setConfirmForget] = useState(false);

  const keep = (next: StoredWallet) => {
    saveWallet(next);
    setWallet(next);
  };

  const importFile = (text: string) => {
    try {
      keep(parseKeyFile(text));
      setProblem(null);
    } catch (error) {
      setProblem(errorMessage(error));
    }
  };

  const signIn = async () => {
    if (!wallet) return;
    if (needsOwner && ownerCode === null) {
      onMissingCode();
      return;
    }
    setSigningIn(true);
    setProblem(null);
    try {
      const issued = await challenge.mutateAsync({ did: wallet.did });
      const proof = await signChallenge(wallet, issued.message);
      await login.mutateAsync({
        ...proof,
        nonce: issued.nonce,
        ...(needsOwner && ownerCode !== null && { setupCode: ownerCode }),
      });
      await onSignedIn();
    } catch (error) {
      setProblem(errorMessage(error));
      setSigningIn(false);
    }
  };

  const problemAlert = problem && (
    <Alert severity="error" role="alert">
      {problem}
    </Alert>
  );

  if (!wallet) {
    return (
      <Stack sx={{ gap: 2 }}>
        <Typography sx={{ color: 'text.secondary' }}>
          aigne-hub has no passwords. A DID wallet kept in this browser (a key pair) signs the hub&apos;s
          sign-in challenge; its DID is your identity on this hub.
        </Typography>
        {problemAlert}
        <Button
          variant="contained"
          size="large"
          startIcon={<KeyOutlinedIcon />}
          onClick={() => {
            keep(createWallet());
            setProblem(null);
          }}
          fullWidth
        >
          Create a new wallet
        </Button>
        <KeyFileInput label="Import a key file" onFile={importFile} />
        <Typography variant="body2" sx={{ color: 'text.secondary' }}>
          Signed in from another browser before? Import the key file you saved there.
        </Typography>
      </Stack>
    );
  }

  return (
    <Stack sx={{ gap: 2 }}>
      <Box sx={{ border: '1px solid', borderColor: 'divider', borderRadius: 2, p: 2, bgcolor: '#fafbff' }}>
        <Stack direction="row" sx={{ alignItems: 'center', gap: 1 }}>
          <KeyOutlinedIcon color="primary" aria-hidden />
          <Typography variant="subtitle2" component="h2">
            Wallet in this browser
          </Typography>
        </Stack>
        <Stack direction="row" sx={{ alignItems: 'center', gap: 0.5, mt: 1 }}>
          <Typography
            data-testid="wallet-did"
            sx={{ fontFamily: MONO, fontSize: 13, wordBreak: 'break-all', flexGrow: 1 }}
          >
            {wallet.did}
          </Typography>
          <CopyButton text={wallet.did} label="Copy DID" />
        </Stack>
      </Box>
      <BackupNotice wallet={wallet} onSaved={keep} />
      {problemAlert}
      <Button variant="contained" size="large" onClick={() => void signIn()} loading={signingIn} fullWidth>
        Sign in
      </Button>
      <Divider>or</Divider>
      <Stack direction={{ xs: 'column', sm: 'row' }} sx={{ gap: 1 }}>
        <KeyFileInput label="Use another key file" onFile={importFile} />
        <Button color="error" variant="text" fullWidth onClick={() => setConfirmForget(true)}>
          Remove from this browser
        </Button>
      </Stack>
      <ConfirmDialog
        open={confirmForget}
        title="Remove this wallet from this browser?"
        confirmLabel="Remove"
        destructive
        onClose={() => setConfirmForget(false)}
        onConfirm={() => {
          forgetWallet();
          setWallet(null);
          setConfirmForget(false);
        }}
      >
        <Typography>
          {wallet.backedUpAt
            ? 'You can sign in again later by importing its key file.'
            : 'You have not saved its key file. Without it you cannot sign in as this DID again.'}
        </Typography>
      </ConfirmDialog>
    </Stack>
  );
}
