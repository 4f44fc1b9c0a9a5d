/**
 * The frame of every signed-in page: the top bar (balance, account menu), the navigation (a permanent drawer
 * from tablet width up, a menu button on phones) and the page itself in <main>.
 */
import AdminPanelSettingsOutlinedIcon from '@mui/icons-material/AdminPanelSettingsOutlined';
import ChatOutlinedIcon from '@mui/icons-material/ChatOutlined';
import CloudOutlinedIcon from '@mui/icons-material/CloudOutlined';
import GroupOutlinedIcon from '@mui/icons-material/GroupOutlined';
import InsightsOutlinedIcon from '@mui/icons-material/InsightsOutlined';
import LogoutIcon from '@mui/icons-material/Logout';
import MenuIcon from '@mui/icons-material/Menu';
import PersonOutlineIcon from '@mui/icons-material/PersonOutlined';
import ReceiptLongOutlinedIcon from '@mui/icons-material/ReceiptLongOutlined';
import SellOutlinedIcon from '@mui/icons-material/SellOutlined';
import SettingsOutlinedIcon from '@mui/icons-material/SettingsOutlined';
import TollOutlinedIcon from '@mui/icons-material/TollOutlined';
import {
  AppBar,
  Avatar,
  Box,
  Chip,
  Divider,
  Drawer,
  IconButton,
  List,
  ListItem,
  ListItemButton,
  ListItemIcon,
  ListItemText,
  ListSubheader,
  Menu,
  MenuItem,
  Toolbar,
  Tooltip,
  Typography,
  useMediaQuery,
} from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Suspense, useId, useState, type ReactElement } from 'react';
import { Link as RouterLink, NavLink, Outlet, useNavigate } from 'react-router';
import { LoadingState } from '../../components/query-state';
import { fetchHealth } from '../../health';
import { formatCredits, shortDid } from '../../lib/format';
import { sessionHint } from '../../lib/session-events';
import { trpc } from '../../lib/trpc';
import { DRAWER_WIDTH, MONO } from '../../theme';
import { useMe } from '../auth/session';
import { navSections, signInPath, type NavIcon } from './nav-items';

const ICONS: Record<NavIcon, ReactElement> = {
  playground: <ChatOutlinedIcon />,
  account: <PersonOutlineIcon />,
  providers: <CloudOutlinedIcon />,
  modelRates: <SellOutlinedIcon />,
  users: <GroupOutlinedIcon />,
  audit: <ReceiptLongOutlinedIcon />,
  usage: <InsightsOutlinedIcon />,
  settings: <SettingsOutlinedIcon />,
};

function Brand() {
  return (
    <Box
      component={RouterLink}
      to="/playground"
      sx={{ display: 'flex', alignItems: 'center', gap: 1, color: 'inherit', textDecoration: 'none' }}
    >
      <Box component="img" src="/favicon.svg" alt="" sx={{ width: 28, height: 28 }} />
      <Typography variant="h6" component="span" sx={{ fontWeight: 750, letterSpacing: '-0.02em' }}>
        aigne-hub
      </Typography>
    </Box>
  );
}

function NavList({ onNavigate }: { onNavigate?: () => void }) {
  const me = useMe();
  const version = useQuery({ queryKey: ['health'], queryFn: () => fetchHealth(), staleTime: Infinity });
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
      {navSections(me.role).map((section) => (
        <List
          key={section.title ?? 'main'}
          subheader={
            section.title ? (
              <ListSubheader
                sx={{
                  display: 'flex',
                  alignItems: 'center',
                  gap: 1,
                  bgcolor: 'transparent',
                  lineHeight: '36px',
                }}
              >
                <AdminPanelSettingsOutlinedIcon fontSize="small" aria-hidden />
                {section.title}
              </ListSubheader>
            ) : undefined
          }
          sx={{ px: 1 }}
        >
          {section.items.map((item) => (
            <ListItem key={item.to} disablePadding>
              <ListItemButton
                component={NavLink}
                to={item.to}
                {...(onNavigate && { onClick: onNavigate })}
                sx={{
                  borderRadius: 2,
                  mb: 0.25,
                  '&.active': {
                    bgcolor: 'rgba(57, 73, 171, 0.1)',
                    color: 'primary.dark',
                    '& .MuiListItemIcon-root': { color: 'primary.dark' },
                  },
                }}
              >
                <ListItemIcon sx={{ minWidth: 38 }}>{ICONS[item.icon]}</ListItemIcon>
                <ListItemText primary={item.label} />
              </ListItemButton>
            </ListItem>
          ))}
        </List>
      ))}
      <Box sx={{ flexGrow: 1 }} />
      <Typography variant="caption" sx={{ color: 'text.secondary', px: 3, py: 2 }}>
        {version.data?.status === 'ok' ? `aigne-hub ${version.data.version}` : 'aigne-hub'}
      </Typography>
    </Box>
  );
}

function AccountMenu() {
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const menuId = useId();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      meta: { handlesUnauthorized: true },
      onSettled: () => {
        sessionHint.clear();
        queryClient.clear();
        void navigate(signInPath('signed-out', null), { replace: true });
      },
    }),
  );
  const initial = (me.name ?? me.did.replace('did:abt:', '')).slice(0, 1).toUpperCase();
  return (
    <>
      <Tooltip title="Account">
        <IconButton
          onClick={(event) => setAnchor(event.currentTarget)}
          aria-label="Account menu"
          aria-controls={anchor ? menuId : undefined}
          aria-haspopup="true"
          aria-expanded={anchor ? 'true' : undefined}
        >
          <Avatar sx={{ width: 34, height: 34, bgcolor: 'primary.main', fontSize: 16 }}>{initial}</Avatar>
        </IconButton>
      </Tooltip>
      <Menu
        id={menuId}
        anchorEl={anchor}
        open={anchor !== null}
        onClose={() => setAnchor(null)}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'right' }}
        transformOrigin={{ vertical: 'top', horizontal: 'right' }}
      >
        <Box sx={{ px: 2, py: 1 }}>
          <Typography variant="body2" sx={{ fontWeight: 650 }}>
            {me.name ?? 'Signed in as'}
          </Typography>
          <Typography variant="body2" sx={{ fontFamily: MONO, color: 'text.secondary' }}>
            {shortDid(me.did)}
          </Typography>
          <Chip size="small" label={me.role} sx={{ mt: 0.5, textTransform: 'capitalize' }} />
        </Box>
        <Divider />
        <MenuItem component={RouterLink} to="/account" onClick={() => setAnchor(null)}>
          <ListItemIcon>
            <PersonOutlineIcon fontSize="small" />
          </ListItemIcon>
          My account
        </MenuItem>
        <MenuItem onClick={() => logout.mutate()} disabled={logout.isPending}>
          <ListItemIcon>
            <LogoutIcon fontSize="small" />
          </ListItemIcon>
          Sign out
        </MenuItem>
      </Menu>
    </>
  );
}

export function AppShell() {
  const me = useMe();
  const theme = useTheme();
  const wide = useMediaQuery(theme.breakpoints.up('md'), { noSsr: true });
  const [open, setOpen] = useState(false);

  // The landmark is inside the drawer: on phones the drawer is a modal rendered outside the page's tree. It
  // holds the page links only; the brand above it is the app's name (a home link), not a place in the app.
  const drawer = (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
      <Toolbar sx={{ px: 2.5 }}>
        <Brand />
      </Toolbar>
      <Divider />
      <Box component="nav" aria-label="Main" sx={{ flexGrow: 1, minHeight: 0, overflowY: 'auto' }}>
        <NavList {...(!wide && { onNavigate: () => setOpen(false) })} />
      </Box>
    </Box>
  );

  return (
    <Box sx={{ display: 'flex', minHeight: '100vh' }}>
      <AppBar
        position="fixed"
        color="inherit"
        elevation={0}
        sx={{
          borderBottom: '1px solid',
          borderColor: 'divider',
          width: { md: `calc(100% - ${DRAWER_WIDTH}px)` },
          ml: { md: `${DRAWER_WIDTH}px` },
          bgcolor: 'rgba(255,255,255,0.92)',
          backdropFilter: 'blur(6px)',
        }}
      >
        <Toolbar sx={{ gap: 1 }}>
          {!wide && (
            <>
              <IconButton edge="start" onClick={() => setOpen(true)} aria-label="Open navigation">
                <MenuIcon />
              </IconButton>
              <Brand />
            </>
          )}
          <Box sx={{ flexGrow: 1 }} />
          <Tooltip title="Your credit balance" describeChild>
            <Chip
              icon={<TollOutlinedIcon />}
              label={`${formatCredits(me.credits)} credits`}
              component={RouterLink}
              to="/account"
              clickable
              variant="outlined"
              color="primary"
            />
          </Tooltip>
          <AccountMenu />
        </Toolbar>
      </AppBar>
      <Box sx={{ width: { md: DRAWER_WIDTH }, flexShrink: { md: 0 } }}>
        {wide ? (
          <Drawer
            variant="permanent"
            open
            sx={{
              '& .MuiDrawer-paper': { width: DRAWER_WIDTH, boxSizing: 'border-box', bgcolor: '#fbfbfe' },
            }}
          >
            {drawer}
          </Drawer>
        ) : (
          <Drawer
            variant="temporary"
            open={open}
            onClose={() => setOpen(false)}
            ModalProps={{ keepMounted: false }}
            sx={{ '& .MuiDrawer-paper': { width: DRAWER_WIDTH, boxSizing: 'border-box' } }}
          >
            {drawer}
          </Drawer>
        )}
      </Box>
      <Box component="main" sx={{ flexGrow: 1, minWidth: 0, px: { xs: 2, sm: 3, lg: 4 }, pb: 6 }}>
        <Toolbar />
        <Box sx={{ maxWidth: 1280, mx: 'auto', pt: { xs: 2, md: 3 } }}>
          <Suspense fallback={<LoadingState />}>
            <Outlet />
          </Suspense>
        </Box>
      </Box>
    </Box>
  );
}
