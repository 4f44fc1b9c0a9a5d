/**
 * "Sign in with DID Wallet": a QR code for the DID Wallet app, polled until the person approves in the app.
 * A new sign-in is opened when the panel appears (and on "New QR code"); it stops when the panel goes away,
 * expires after five minutes, or ends in a refusal, which is shown with a way to start again.
 */
import OpenInNewIcon from '@mui/icons-material/OpenInNew';
import QrCode2Icon from '@mui/icons-material/QrCode2';
import RefreshIcon from '@mui/icons-material/Refresh';
import { Alert, Box, Button, CircularProgress, Stack, Typography } from '@mui/material';
import { QRCodeSVG } from 'qrcode.react';
import { useEffect, useRef, useState } from 'react';
import { formatTime } from '../../lib/format';
import {
  ConnectError,
  msUntilExpiry,
  pollConnect,
  startConnect,
  type ConnectSession,
  type ConnectState,
} from './did-connect';

/** How often the page asks the hub (the API asks for every 1 to 2 seconds). */
const POLL_MS = 1_500;

type PanelState =
  | { kind: 'starting' }
  | { kind: 'waiting'; session: ConnectSession; scanned: boolean; unreachable: boolean }
  | { kind: 'failed'; title: string; message: string }
  | { kind: 'signed-in' };

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function failure(error: unknown): PanelState {
  if (error instanceof ConnectError && error.httpStatus === 401) {
    return { kind: 'failed', title: 'The setup code is not valid', message: error.message };
  }
  return {
    kind: 'failed',
    title: 'The sign-in did not work',
    message: error instanceof Error ? error.message : String(error),
  };
}

export function DidConnectPanel({
  needsOwner,
  ownerCode,
  onSignedIn,
}: {
  needsOwner: boolean;
  /** The setup code to claim the hub with, once it is well-formed (null: not given yet). */
  ownerCode: string | null;
  onSignedIn: (result: Extract<ConnectState, { status: 'succeed' }>) => void;
}) {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<PanelState>({ kind: 'starting' });
  // Read at each poll: the person may still correct the setup code while the QR code is up.
  const code = useRef(ownerCode);
  const signedIn = useRef(onSignedIn);
  useEffect(() => {
    code.current = ownerCode;
    signedIn.current = onSignedIn;
  });
  // A hub without an owner is claimed by whoever signs in with its setup code: ask for it before the QR code.
  const ready = !needsOwner || ownerCode !== null;

  useEffect(() => {
    if (!ready) return;
    const controller = new AbortController();
    const { signal } = controller;
    const run = async () => {
      setState({ kind: 'starting' });
      let session: ConnectSession;
      try {
        session = await startConnect({ signal });
      } catch (error) {
        if (!signal.aborted) setState(failure(error));
        return;
      }
      let scanned = false;
      let unreachable = false;
      while (!signal.aborted) {
        setState({ kind: 'waiting', session, scanned, unreachable });
        if (msUntilExpiry(session) === 0) {
          setState({
            kind: 'failed',
            title: 'This QR code has expired',
            message: 'A QR code works for five minutes. Ask for a new one and scan that.',
          });
          return;
        }
        let wait = POLL_MS;
        try {
          const answer = await pollConnect(session, needsOwner ? code.current : null, { signal });
          unreachable = false;
          if (answer.status === 'succeed') {
            setState({ kind: 'signed-in' });
            signedIn.current(answer);
            return;
          }
          if (answer.status === 'error') {
            setState({ kind: 'failed', title: 'DID Wallet did not sign you in', message: answer.error });
            return;
          }
          if (answer.status === 'gone') {
            setState({
              kind: 'failed',
              title: 'This sign-in has ended',
              message: 'It expired or was completed already. Ask for a new QR code.',
            });
            return;
          }
          scanned = answer.status === 'scanned';
        } catch (error) {
          if (signal.aborted) return;
          if (!(error instanceof ConnectError) || (error.httpStatus !== 0 && error.httpStatus !== 429)) {
            setState(failure(error));
            return;
          }
          // Not reachable for a moment, or asked to slow down: keep the QR code up and ask again later.
          unreachable = error.httpStatus === 0;
          wait = Math.max(POLL_MS, (error.retryAfterSeconds ?? 0) * 1000);
        }
        await sleep(wait, signal);
      }
    };
    void run();
    return () => controller.abort();
  }, [attempt, ready, needsOwner]);

  const again = (
    <Button variant="outlined" startIcon={<RefreshIcon />} onClick={() => setAttempt((n) => n + 1)}>
      New QR code
    </Button>
  );

  if (!ready) {
    return (
      <Alert severity="info" icon={<QrCode2Icon />}>
        Enter the setup code above first: the DID you sign in with becomes the owner of this hub.
      </Alert>
    );
  }
  if (state.kind === 'failed') {
    return (
      <Stack sx={{ gap: 2, alignItems: 'flex-start' }}>
        <Alert severity="error" role="alert" sx={{ alignSelf: 'stretch' }}>
          <strong>{state.title}.</strong> {state.message}
        </Alert>
        {again}
      </Stack>
    );
  }

  const session = state.kind === 'waiting' ? state.session : null;
  const status =
    state.kind === 'starting'
      ? 'Preparing a QR code…'
      : state.kind === 'signed-in'
        ? 'Signed in. Opening the hub…'
        : state.unreachable
          ? 'The hub cannot be reached right now; still trying…'
          : state.scanned
            ? 'Scanned. Approve the sign-in in DID Wallet…'
            : 'Waiting for scan…';

  return (
    <Stack sx={{ gap: 2, alignItems: 'center', textAlign: 'center' }}>
      <Typography variant="body2" sx={{ color: 'text.secondary' }}>
        Scan this code with the DID Wallet app on your phone and approve the sign-in there. Your DID in the
        app is your identity on this hub.
      </Typography>
      <Box
        sx={{
          width: 224,
          height: 224,
          display: 'grid',
          placeItems: 'center',
          border: '1px solid',
          borderColor: 'divider',
          borderRadius: 2,
          bgcolor: '#fff',
        }}
      >
        {session ? (
          <QRCodeSVG
            value={session.url}
            size={200}
            level="M"
            marginSize={2}
            role="img"
            aria-label="QR code to sign in with DID Wallet"
            title="QR code to sign in with DID Wallet"
            data-testid="did-connect-qr"
            style={{ opacity: state.kind === 'waiting' && state.scanned ? 0.35 : 1 }}
          />
        ) : (
          <CircularProgress aria-hidden />
        )}
      </Box>
      <Stack direction="row" role="status" aria-live="polite" sx={{ alignItems: 'center', gap: 1 }}>
        {state.kind !== 'signed-in' && <CircularProgress size={16} aria-hidden />}
        <Typography sx={{ fontWeight: 600 }} data-testid="did-connect-status">
          {status}
        </Typography>
      </Stack>
      {session && (
        <>
          <Typography variant="caption" sx={{ color: 'text.secondary' }}>
            The code works until {formatTime(session.expiresAt)}.
          </Typography>
          <Stack direction={{ xs: 'column', sm: 'row' }} sx={{ gap: 1 }}>
            <Button variant="text" href={session.url} endIcon={<OpenInNewIcon />}>
              Open in DID Wallet on this device
            </Button>
            {again}
          </Stack>
        </>
      )}
    </Stack>
  );
}
