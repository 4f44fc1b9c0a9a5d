/**
 * Users and roles: everyone who ever signed in, newest first, with their role (changed under the owner rules),
 * balance and live API keys; credits can be granted and sessions ended from here, and the owner can hand the
 * hub to someone else.
 */
import GroupOutlinedIcon from '@mui/icons-material/GroupOutlined';
import MoreVertIcon from '@mui/icons-material/MoreVert';
import SearchIcon from '@mui/icons-material/Search';
import {
  Box,
  Button,
  Card,
  Chip,
  IconButton,
  InputAdornment,
  ListItemText,
  Menu,
  MenuItem,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  TextField,
  Typography,
  useMediaQuery,
} from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { DateTime } from '../../../components/date-time';
import { DidText } from '../../../components/did-text';
import { useNotify } from '../../../components/notifier';
import { PageHeader } from '../../../components/page-header';
import { EmptyState, ErrorState, LoadingState } from '../../../components/query-state';
import { VisuallyHidden } from '../../../components/visually-hidden';
import type { UserView } from '../../../lib/api-types';
import { formatCredits, formatInteger, shortDid } from '../../../lib/format';
import { ROLES, type RoleName } from '../../../lib/schemas';
import { trpc, trpcClient } from '../../../lib/trpc';
import { useMe } from '../../auth/session';
import { GrantCreditsDialog } from './grant-credits-dialog';
import { mayManage, roleChoices } from './role-rules';

type Pending =
  | { kind: 'role'; user: UserView; role: RoleName }
  | { kind: 'sessions'; user: UserView }
  | { kind: 'transfer'; user: UserView }
  | { kind: 'credits'; user: UserView };

const nameOf = (user: UserView) => user.name ?? shortDid(user.did);

function RowActions({ user, onPick }: { user: UserView; onPick: (pending: Pending) => void }) {
  const me = useMe();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const manage = mayManage(me.role, user.role);
  const pick = (pending: Pending) => {
    setAnchor(null);
    onPick(pending);
  };
  return (
    <>
      <IconButton
        aria-label={`Actions for ${nameOf(user)}`}
        onClick={(event) => setAnchor(event.currentTarget)}
      >
        <MoreVertIcon />
      </IconButton>
      <Menu anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        <MenuItem onClick={() => pick({ kind: 'credits', user })}>Grant credits</MenuItem>
        <MenuItem onClick={() => pick({ kind: 'sessions', user })} disabled={!manage}>
          End all sessions
        </MenuItem>
        {me.role === 'owner' && user.did !== me.did && (
          <MenuItem onClick={() => pick({ kind: 'transfer', user })}>
            Transfer ownership to this user
          </MenuItem>
        )}
      </Menu>
    </>
  );
}

function RoleSelect({
  user,
  ownerCount,
  onPick,
}: {
  user: UserView;
  ownerCount: number | null;
  onPick: (role: RoleName) => void;
}) {
  const me = useMe();
  const choices = roleChoices(me.role, user.role, ownerCount);
  if (choices.every((choice) => choice.role === user.role || !choice.allowed)) {
    return (
      <Chip
        size="small"
        label={user.role}
        color={user.role === 'owner' ? 'primary' : 'default'}
        sx={{ textTransform: 'capitalize' }}
        title={choices.find((choice) => choice.reason)?.reason ?? undefined}
      />
    );
  }
  return (
    <TextField
      select
      size="small"
      value={user.role}
      onChange={(event) => onPick(event.target.value as RoleName)}
      slotProps={{ htmlInput: { 'aria-label': `Role of ${nameOf(user)}` } }}
      sx={{ minWidth: 120 }}
    >
      {choices.map((choice) => (
        <MenuItem key={choice.role} value={choice.role} disabled={!choice.allowed}>
          <ListItemText
            primary={choice.role.charAt(0).toUpperCase() + choice.role.slice(1)}
            secondary={choice.reason}
            slotProps={{ secondary: { sx: { whiteSpace: 'normal', maxWidth: 240, fontSize: 12 } } }}
          />
        </MenuItem>
      ))}
    </TextField>
  );
}

export function UsersPage() {
  const me = useMe();
  const theme = useTheme();
  const narrow = useMediaQuery(theme.breakpoints.down('sm'), { noSsr: true });
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [searchText, setSearchText] = useState('');
  const [search, setSearch] = useState('');
  const [role, setRole] = useState<RoleName | 'all'>('all');
  const [pending, setPending] = useState<Pending | null>(null);

  // Searching as one types, without a request per keystroke.
  useEffect(() => {
    const timer = setTimeout(() => setSearch(searchText.trim()), 300);
    return () => clearTimeout(timer);
  }, [searchText]);

  // Not `infiniteQueryOptions`: tRPC's infinite queries add a `direction` field to the input, which the hub's
  // strict `users.list` schema refuses. The page asks for each page itself, under the same query key.
  const filters = { limit: 25, ...(search && { search }), ...(role !== 'all' && { role }) };
  const users = useInfiniteQuery({
    queryKey: trpc.users.list.infiniteQueryKey(filters),
    queryFn: ({ pageParam, signal }) =>
      trpcClient.users.list.query({ ...filters, ...(pageParam && { cursor: pageParam }) }, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const owners = useQuery(trpc.users.list.queryOptions({ role: 'owner', limit: 200 }));
  const ownerCount = owners.data && !owners.data.nextCursor ? owners.data.items.length : null;

  const done = (message: string) => {
    notify(message);
    setPending(null);
    void queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
  };
  const setRoleMutation = useMutation(
    trpc.users.setRole.mutationOptions({
      onSuccess: (result) => done(`${nameOf(result.user)} is now ${result.user.role}`),
    }),
  );
  const revokeSessions = useMutation(
    trpc.users.revokeSessions.mutationOptions({
      onSuccess: (result) =>
        done(
          `Ended ${result.revoked} session${result.revoked === 1 ? '' : 's'} of ${pending ? nameOf(pending.user) : 'the user'}`,
        ),
    }),
  );
  const transfer = useMutation(
    trpc.users.transferOwnership.mutationOptions({
      onSuccess: (result) => {
        done(`${nameOf(result.user)} now owns the hub; you are an admin`);
        void queryClient.invalidateQueries({ queryKey: trpc.me.pathKey() });
      },
    }),
  );
  const active =
    pending?.kind === 'role' ? setRoleMutation : pending?.kind === 'sessions' ? revokeSessions : transfer;
  const closeDialog = () => {
    setPending(null);
    setRoleMutation.reset();
    revokeSessions.reset();
    transfer.reset();
  };

  const rows = users.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader
        title="Users"
        description="Everyone who has signed in to this hub. Users are created on their first sign-in; roles follow the owner rules."
      />
      <Card sx={{ mb: 2, p: 2 }}>
        <Stack direction={{ xs: 'column', sm: 'row' }} sx={{ gap: 2 }}>
          <TextField
            label="Search"
            placeholder="Name or DID"
            value={searchText}
            onChange={(event) => setSearchText(event.target.value)}
            size="small"
            slotProps={{
              input: {
                startAdornment: (
                  <InputAdornment position="start">
                    <SearchIcon fontSize="small" />
                  </InputAdornment>
                ),
              },
            }}
          />
          <TextField
            select
            label="Role"
            value={role}
            onChange={(event) => setRole(event.target.value as RoleName | 'all')}
            size="small"
            sx={{ minWidth: { sm: 180 } }}
          >
            <MenuItem value="all">All roles</MenuItem>
            {ROLES.map((r) => (
              <MenuItem key={r} value={r} sx={{ textTransform: 'capitalize' }}>
                {r}
              </MenuItem>
            ))}
          </TextField>
        </Stack>
      </Card>
      {users.isPending ? (
        <LoadingState label="Loading users…" />
      ) : users.isError ? (
        <ErrorState
          error={users.error}
          title="The users could not be loaded"
          onRetry={() => void users.refetch()}
        />
      ) : rows.length === 0 ? (
        <Card>
          <EmptyState
            icon={<GroupOutlinedIcon />}
            title={search || role !== 'all' ? 'No user matches' : 'No users yet'}
            description={
              search || role !== 'all'
                ? 'Try another search or role.'
                : 'Users appear after their first sign-in.'
            }
          />
        </Card>
      ) : (
        <Card>
          <TableContainer>
            <Table aria-label="Users">
              <TableHead>
                <TableRow>
                  <TableCell>User</TableCell>
                  <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>Role</TableCell>
                  <TableCell align="right" sx={{ display: { xs: 'none', sm: 'table-cell' } }}>
                    Credits
                  </TableCell>
                  <TableCell align="right" sx={{ display: { xs: 'none', md: 'table-cell' } }}>
                    API keys
                  </TableCell>
                  <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>Last seen</TableCell>
                  <TableCell sx={{ display: { xs: 'none', lg: 'table-cell' } }}>Joined</TableCell>
                  <TableCell align="right">
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {rows.map((user) => {
                  const role = (
                    <RoleSelect
                      user={user}
                      ownerCount={ownerCount}
                      onPick={(next) => next !== user.role && setPending({ kind: 'role', user, role: next })}
                    />
                  );
                  return (
                    <TableRow key={user.did} data-testid="user-row">
                      <TableCell>
                        <Stack sx={{ gap: 0.25 }}>
                          <Stack direction="row" sx={{ gap: 1, alignItems: 'center' }}>
                            <Typography variant="body2" sx={{ fontWeight: 600 }}>
                              {user.name ?? 'Unnamed'}
                            </Typography>
                            {user.did === me.did && <Chip size="small" label="You" variant="outlined" />}
                          </Stack>
                          <Typography variant="body2" component="div" sx={{ color: 'text.secondary' }}>
                            <DidText did={user.did} copy />
                          </Typography>
                          {/* Phones: role and balance here, instead of columns of their own. */}
                          {narrow && (
                            <Stack direction="row" sx={{ gap: 1.5, alignItems: 'center', mt: 0.75 }}>
                              {role}
                              <Typography variant="body2">{formatCredits(user.credits)} credits</Typography>
                            </Stack>
                          )}
                        </Stack>
                      </TableCell>
                      <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>
                        {!narrow && role}
                      </TableCell>
                      <TableCell align="right" sx={{ display: { xs: 'none', sm: 'table-cell' } }}>
                        {formatCredits(user.credits)}
                      </TableCell>
                      <TableCell align="right" sx={{ display: { xs: 'none', md: 'table-cell' } }}>
                        {formatInteger(user.liveApiKeys)}
                      </TableCell>
                      <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>
                        <DateTime iso={user.lastSeenAt} relative empty="Never" />
                      </TableCell>
                      <TableCell sx={{ display: { xs: 'none', lg: 'table-cell' } }}>
                        <DateTime iso={user.createdAt} />
                      </TableCell>
                      <TableCell align="right">
                        <RowActions user={user} onPick={setPending} />
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </TableContainer>
          {users.hasNextPage && (
            <Box sx={{ p: 2, textAlign: 'center', borderTop: '1px solid', borderColor: 'divider' }}>
              <Button onClick={() => void users.fetchNextPage()} loading={users.isFetchingNextPage}>
                Load more users
              </Button>
            </Box>
          )}
        </Card>
      )}
      {pending?.kind === 'credits' && (
        <GrantCreditsDialog user={pending.user} onClose={() => setPending(null)} />
      )}
      <ConfirmDialog
        open={pending !== null && pending.kind !== 'credits'}
        title={
          pending?.kind === 'role'
            ? `Make ${nameOf(pending.user)} ${pending.role === 'admin' ? 'an admin' : pending.role === 'owner' ? 'an owner' : 'a guest'}?`
            : pending?.kind === 'sessions'
              ? `End every session of ${nameOf(pending.user)}?`
              : `Transfer ownership to ${pending ? nameOf(pending.user) : ''}?`
        }
        confirmLabel={
          pending?.kind === 'role'
            ? 'Change role'
            : pending?.kind === 'sessions'
              ? 'End sessions'
              : 'Transfer ownership'
        }
        destructive={pending?.kind !== 'role'}
        busy={active.isPending}
        error={active.error}
        onClose={closeDialog}
        onConfirm={() => {
          if (pending?.kind === 'role') setRoleMutation.mutate({ did: pending.user.did, role: pending.role });
          if (pending?.kind === 'sessions') revokeSessions.mutate({ did: pending.user.did });
          if (pending?.kind === 'transfer') transfer.mutate({ did: pending.user.did });
        }}
      >
        <Typography>
          {pending?.kind === 'role'
            ? pending.role === 'guest'
              ? 'They lose access to the admin pages from their next request.'
              : pending.role === 'owner'
                ? 'Owners can do everything, including changing other owners.'
                : 'Admins manage providers, rates, users (except owners) and settings, and read the audit trail.'
            : pending?.kind === 'sessions'
              ? 'They are signed out in every browser at once. Their API keys keep working.'
              : 'They become the owner and you become an admin. Only the new owner can undo this.'}
        </Typography>
      </ConfirmDialog>
    </>
  );
}
