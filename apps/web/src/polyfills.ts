/**
 * @ocap/wallet (the DID wallet that signs sign-in challenges) comes from Node and uses the global `Buffer`.
 * Browsers have none, so the `buffer` package is installed as that global. main.tsx imports this module first,
 * so it runs before any module that may touch `Buffer`.
 */
import { Buffer } from 'buffer';

const scope = globalThis as typeof globalThis & { Buffer?: typeof Buffer };
scope.Buffer ??= Buffer;
