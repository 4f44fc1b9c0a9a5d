/**
 * One MUI theme for the whole app. Colours are picked for contrast: every filled colour keeps white text at
 * 4.5:1 or better (MUI's default orange warning does not), so status chips pass the accessibility scan.
 */
import { createTheme } from '@mui/material/styles';

export const DRAWER_WIDTH = 248;

export const theme = createTheme({
  palette: {
    primary: { main: '#3949ab' },
    secondary: { main: '#00796b' },
    success: { main: '#2e7d32' },
    warning: { main: '#b45309' },
    error: { main: '#c62828' },
    info: { main: '#01579b' },
    background: { default: '#f5f6fa', paper: '#ffffff' },
  },
  shape: { borderRadius: 10 },
  typography: {
    fontFamily:
      'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
    h4: { fontWeight: 700, fontSize: '1.75rem', letterSpacing: '-0.01em' },
    h5: { fontWeight: 700 },
    h6: { fontWeight: 650, fontSize: '1.05rem' },
    button: { textTransform: 'none', fontWeight: 600 },
  },
  components: {
    MuiButton: { defaultProps: { disableElevation: true } },
    MuiCard: { defaultProps: { variant: 'outlined' } },
    MuiPaper: { styleOverrides: { outlined: { borderColor: '#e3e5ee' } } },
    // Positioned, so that text hidden for screen readers in a cell (position: absolute) scrolls with the
    // table instead of sticking out of the page on narrow screens.
    MuiTableContainer: { styleOverrides: { root: { position: 'relative' } } },
    MuiTableCell: {
      styleOverrides: {
        head: { fontWeight: 650, color: '#4a4f66', whiteSpace: 'nowrap' },
      },
    },
    MuiTextField: { defaultProps: { fullWidth: true } },
    MuiChip: { styleOverrides: { root: { fontWeight: 600 } } },
  },
});

/** Monospace for DIDs, keys and hashes. */
export const MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace';
