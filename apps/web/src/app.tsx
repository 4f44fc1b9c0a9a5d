/**
 * The app: theme, data, routes. Admin pages (and recharts with them) are loaded on first visit only, so the
 * sign-in page and the Playground stay light.
 */
import TravelExploreOutlinedIcon from '@mui/icons-material/TravelExploreOutlined';
import { Button, Card, CssBaseline } from '@mui/material';
import { ThemeProvider } from '@mui/material/styles';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { BrowserRouter, Navigate, Outlet, Route, Link as RouterLink, Routes } from 'react-router';
import { NotifierProvider } from './components/notifier';
import { EmptyState, LoadingState } from './components/query-state';
import { AccountPage } from './features/account/account-page';
import { RequireAdmin } from './features/auth/no-permission';
import { SessionGate } from './features/auth/session';
import { SignInPage } from './features/auth/sign-in-page';
import { AppShell } from './features/layout/app-shell';
import { PlaygroundPage } from './features/playground/playground-page';
import { useDocumentTitle } from './lib/use-document-title';
import { theme } from './theme';

const ProvidersPage = lazy(() =>
  import('./features/admin/providers/providers-page').then((m) => ({ default: m.ProvidersPage })),
);
const ModelRatesPage = lazy(() =>
  import('./features/admin/model-rates/model-rates-page').then((m) => ({ default: m.ModelRatesPage })),
);
const UsersPage = lazy(() =>
  import('./features/admin/users/users-page').then((m) => ({ default: m.UsersPage })),
);
const AuditPage = lazy(() =>
  import('./features/admin/audit/audit-page').then((m) => ({ default: m.AuditPage })),
);
const UsagePage = lazy(() =>
  import('./features/admin/usage/usage-page').then((m) => ({ default: m.UsagePage })),
);
const SettingsPage = lazy(() =>
  import('./features/admin/settings/settings-page').then((m) => ({ default: m.SettingsPage })),
);

export function NotFound() {
  useDocumentTitle('Not found');
  return (
    <Card sx={{ maxWidth: 640, mx: 'auto', mt: 4 }}>
      <EmptyState
        icon={<TravelExploreOutlinedIcon />}
        title="There is no such page"
        titleComponent="h1"
        description="The address may be mistyped, or the page has moved."
        action={
          <Button variant="contained" component={RouterLink} to="/playground">
            Go to the Playground
          </Button>
        }
      />
    </Card>
  );
}

function AdminArea() {
  return (
    <RequireAdmin>
      <Suspense fallback={<LoadingState />}>
        <Outlet />
      </Suspense>
    </RequireAdmin>
  );
}

export function App({ queryClient }: { queryClient: QueryClient }) {
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <QueryClientProvider client={queryClient}>
        <NotifierProvider>
          <BrowserRouter>
            <Routes>
              <Route path="/login" element={<SignInPage />} />
              <Route
                element={
                  <SessionGate>
                    <AppShell />
                  </SessionGate>
                }
              >
                <Route index element={<Navigate to="/playground" replace />} />
                <Route path="playground" element={<PlaygroundPage />} />
                <Route path="account" element={<AccountPage />} />
                <Route path="admin" element={<AdminArea />}>
                  <Route index element={<Navigate to="/admin/providers" replace />} />
                  <Route path="providers" element={<ProvidersPage />} />
                  <Route path="model-rates" element={<ModelRatesPage />} />
                  <Route path="users" element={<UsersPage />} />
                  <Route path="audit" element={<AuditPage />} />
                  <Route path="usage" element={<UsagePage />} />
                  <Route path="settings" element={<SettingsPage />} />
                </Route>
                <Route path="*" element={<NotFound />} />
              </Route>
            </Routes>
          </BrowserRouter>
        </NotifierProvider>
      </QueryClientProvider>
    </ThemeProvider>
  );
}
