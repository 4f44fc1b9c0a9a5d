import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  // @ocap/wallet and its helpers were written for Node: they read `global` and the global `Buffer`
  // (src/polyfills.ts installs the `buffer` package as that global before anything else runs).
  define: { global: 'globalThis' },
  server: {
    // In development the hub runs on its own port; the Vite dev server forwards the API to it.
    proxy: { '/api': 'http://localhost:8090' },
  },
  build: {
    outDir: 'dist',
    sourcemap: false,
    // MUI and recharts make one large vendor chunk; admin pages are split off by route (see app.tsx).
    chunkSizeWarningLimit: 1500,
  },
});
