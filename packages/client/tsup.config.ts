import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';
import { writeRouterTypes } from './scripts/router-types';

const root = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(root, 'dist');

/**
 * ESM + CJS for Node 20, with declarations that contain everything they need. The server's router type is
 * flattened into dist/.types/app-router.ts first (scripts/router-types.ts explains why), and the declaration
 * build reads `@aigne-hub/server` from there, so the published d.ts has no `@aigne-hub/` import. That file is
 * not published (see `files` in package.json). The runtime bundle never contains server code: the client
 * imports only types from it.
 */
export default defineConfig(() => {
  fs.rmSync(dist, { recursive: true, force: true });
  const routerTypes = writeRouterTypes(path.join(dist, '.types', 'app-router.ts'), {
    tsconfig: path.join(root, 'tsconfig.json'),
  });
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    target: 'node20',
    platform: 'node',
    clean: false,
    sourcemap: false,
    dts: {
      resolve: [/^@aigne-hub\//],
      compilerOptions: { paths: { '@aigne-hub/server': [routerTypes] } },
    },
  };
});
