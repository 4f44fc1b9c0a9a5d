#!/usr/bin/env node
// The hub's entry point under Blocklet Server (blocklet.yml `main`, and `scripts.dev` runs it as `node <main>`).
// Blocklet Server starts it with the blocklet's variables (BLOCKLET_PORT, BLOCKLET_DATA_DIR, BLOCKLET_APP_EK...)
// and no command, so this is `aigne-hub start`; the environment is what selects Blocklet mode (src/env.ts).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../../cli.ts');
await runCli([process.argv[0] ?? 'node', process.argv[1] ?? 'aigne-hub', 'start']);
