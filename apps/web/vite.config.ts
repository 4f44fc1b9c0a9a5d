import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  server: {
    // In development the hub runs on its own port; the Vite dev server forwards the API to it.
    proxy: { '/api': 'http://localhost:8090' },
  },
  build: { outDir: 'dist', sourcemap: false },
});
