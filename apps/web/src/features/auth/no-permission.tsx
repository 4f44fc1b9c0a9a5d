import LockOutlinedIcon from '@mui/icons-material/LockOutlined';
import { Button, Card } from '@mui/material';
import type { ReactNode } from 'react';
import { Link as RouterLink } from 'react-router';
import { EmptyState } from '../../components/query-state';
import { useDocumentTitle } from '../../lib/use-document-title';
import { isAdminRole } from '../layout/nav-items';
import { useMe } from './session';

export function NoPermission() {
  useDocumentTitle('No permission');
  return (
    <Card sx={{ maxWidth: 640, mx: 'auto', mt: 4 }}>
      <EmptyState
        icon={<LockOutlinedIcon />}
        title="No permission"
        titleComponent="h1"
        description="This page is for the owner and admins of this hub. If you need access, ask one of them to change your role."
        action={
          <Button variant="contained" component={RouterLink} to="/playground">
            Go to the Playground
          </Button>
        }
      />
    </Card>
  );
}

/** Admin pages: a guest who follows a link here sees why not, rather than a page of refused calls. */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const me = useMe();
  return isAdminRole(me.role) ? <>{children}</> : <NoPermission />;
}
