import { Stack, Typography } from '@mui/material';
import { DidText } from '../../components/did-text';
import { PageHeader } from '../../components/page-header';
import { useMe } from '../auth/session';
import { ApiKeysCard } from './api-keys-card';
import { SessionsCard } from './sessions-card';
import { UsageCard } from './usage-card';

export function AccountPage() {
  const me = useMe();
  return (
    <>
      <PageHeader
        title="My account"
        description={
          <Stack component="span" direction="row" sx={{ gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
            <span>Signed in as</span>
            <DidText did={me.did} copy />
            <Typography component="span" sx={{ textTransform: 'capitalize', color: 'text.secondary' }}>
              · {me.role}
            </Typography>
          </Stack>
        }
      />
      <UsageCard />
      <ApiKeysCard />
      <SessionsCard />
    </>
  );
}
