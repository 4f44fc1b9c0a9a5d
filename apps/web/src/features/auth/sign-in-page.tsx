/**
 * Sign-in, without passwords, two ways: the DID wallet kept in this browser signs the hub's challenge, or the
 * DID Wallet app approves a QR code (DID Connect). While the hub has no owner the page asks for the one-time
 * setup code, which either way makes the signer the owner. It also says why the user is here when a session
 * ended or they signed out.
 */
import PhoneIphoneOutlinedIcon from '@mui/icons-material/PhoneIphoneOutlined';
import WebOutlinedIcon from '@mui/icons-material/WebOutlined';
import {
  Alert,
  AlertTitle,
  Box,
  Card,
  CardContent,
  Stack,
  Tab,
  Tabs,
  TextField,
  Typography,
} from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { LoadingState } from '../../components/query-state';
import { errorMessage } from '../../lib/errors';
import { setupCodeInput } from '../../lib/schemas';
import { sessionHint } from '../../lib/session-events';
import { HANDLES_UNAUTHORIZED, trpc } from '../../lib/trpc';
import { useDocumentTitle } from '../../lib/use-document-title';
import { validate } from '../../lib/validation';
import { MONO } from '../../theme';
import { safeNext } from '../layout/nav-items';
import { BrowserWalletPanel } from './browser-wallet-panel';
import { DidConnectPanel } from './did-connect-panel';

type Method = 'browser' | 'app';

export function SignInPage() {
  useDocumentTitle('Sign in');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const reason = params.get('reason');
  const next = safeNext(params.get('next'));
  const ids = useId();
  const codeField = useRef<HTMLInputElement | null>(null);

  const setup = useQuery(trpc.auth.setupStatus.queryOptions(undefined, HANDLES_UNAUTHORIZED));
  // Already signed in? Only a fresh answer counts: one cached before a session ended would say yes.
  const current = useQuery(
    trpc.me.get.queryOptions(undefined, { ...HANDLES_UNAUTHORIZED, retry: false, refetchOnMount: 'always' }),
  );
  const checking = setup.isPending || (current.isFetching && !current.isFetchedAfterMount);

  const [method, setMethod] = useState<Method>('browser');
  const [setupCode, setSetupCode] = useState('');
  const [codeError, setCodeError] = useState<string | null>(null);
  const [signedIn, setSignedIn] = useState(false);

  // Arriving here after a session ended: the hint has done its job.
  useEffect(() => {
    if (reason === 'expired') sessionHint.clear();
  }, [reason]);

  const needsOwner = setup.data?.needsOwner === true;
  const code = needsOwner ? validate(setupCodeInput, setupCode) : null;
  const ownerCode = code?.ok ? code.data : null;

  const onSignedIn = async () => {
    setSignedIn(true);
    sessionHint.set();
    // Nothing cached before belongs to this session.
    queryClient.clear();
    await navigate(next, { replace: true });
  };

  const onMissingCode = () => {
    const why = code && !code.ok && setupCode.trim() !== '' ? code.errors._form : undefined;
    setCodeError(why ?? 'Enter the setup code to claim this hub as its owner.');
    codeField.current?.focus();
  };

  if (current.isSuccess && current.isFetchedAfterMount && !signedIn) return <Navigate to={next} replace />;

  const tabId = (which: Method) => `${ids}-tab-${which}`;
  const panelId = (which: Method) => `${ids}-panel-${which}`;

  return (
    <Box
      component="main"
      sx={{
        minHeight: '100vh',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        p: 2,
        background: 'radial-gradient(1200px 600px at 10% -10%, #dfe3ff 0%, transparent 60%), #f5f6fa',
      }}
    >
      <Card sx={{ width: '100%', maxWidth: 500, boxShadow: '0 18px 50px rgba(40, 50, 120, 0.12)' }}>
        <CardContent sx={{ p: { xs: 2.5, sm: 4 } }}>
          <Stack direction="row" sx={{ alignItems: 'center', gap: 1.5, mb: 3 }}>
            <Box component="img" src="/favicon.svg" alt="" sx={{ width: 40, height: 40 }} />
            <div>
              <Typography variant="h5" component="h1" sx={{ fontSize: { xs: '1.3rem', sm: '1.5rem' } }}>
                Sign in to aigne-hub
              </Typography>
              <Typography variant="body2" sx={{ color: 'text.secondary' }}>
                {setup.data ? setup.data.domain : 'Your team’s AI gateway'}
              </Typography>
            </div>
          </Stack>

          <Stack sx={{ gap: 2 }}>
            {reason === 'expired' && (
              <Alert severity="info">
                <AlertTitle>Your session has ended</AlertTitle>
                It expired or was signed out elsewhere. Sign in again to continue where you were.
              </Alert>
            )}
            {reason === 'signed-out' && <Alert severity="success">You are signed out.</Alert>}
            {setup.isError && (
              <Alert severity="error">
                <AlertTitle>The hub did not answer</AlertTitle>
                {errorMessage(setup.error)}
              </Alert>
            )}

            {checking ? (
              <LoadingState compact label="Contacting the hub…" />
            ) : (
              <>
                {needsOwner && (
                  <>
                    <Alert severity="info">
                      <AlertTitle>This hub has no owner yet</AlertTitle>
                      The first person to sign in with the one-time setup code becomes its owner. The code was
                      printed when the hub started and is in the file <code>setup-code</code> of its data
                      folder.
                    </Alert>
                    <TextField
                      label="Setup code"
                      placeholder="XXXX-XXXX-XXXX-XXXX"
                      value={setupCode}
                      onChange={(event) => {
                        setSetupCode(event.target.value);
                        setCodeError(null);
                      }}
                      inputRef={codeField}
                      autoComplete="off"
                      error={codeError !== null}
                      helperText={codeError ?? 'Needed once, to claim the hub as its owner.'}
                      slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: MONO } } }}
                    />
                  </>
                )}
                <Tabs
                  value={method}
                  onChange={(_event, value: Method) => setMethod(value)}
                  variant="fullWidth"
                  aria-label="How to sign in"
                  sx={{ borderBottom: 1, borderColor: 'divider' }}
                >
                  <Tab
                    value="browser"
                    label="Wallet in this browser"
                    icon={<WebOutlinedIcon />}
                    iconPosition="start"
                    id={tabId('browser')}
                    aria-controls={panelId('browser')}
                    sx={{ minHeight: 52 }}
                  />
                  <Tab
                    value="app"
                    label="DID Wallet app"
                    icon={<PhoneIphoneOutlinedIcon />}
                    iconPosition="start"
                    id={tabId('app')}
                    aria-controls={panelId('app')}
                    sx={{ minHeight: 52 }}
                  />
                </Tabs>
                <div role="tabpanel" id={panelId(method)} aria-labelledby={tabId(method)}>
                  {method === 'browser' ? (
                    <BrowserWalletPanel
                      needsOwner={needsOwner}
                      ownerCode={ownerCode}
                      onMissingCode={onMissingCode}
                      onSignedIn={onSignedIn}
                    />
                  ) : (
                    <DidConnectPanel
                      needsOwner={needsOwner}
                      ownerCode={ownerCode}
                      onSignedIn={() => void onSignedIn()}
                    />
                  )}
                </div>
              </>
            )}
          </Stack>
        </CardContent>
      </Card>
    </Box>
  );
}
