export { startHub, type RunningHub } from './hub';
export { loadEnv, type Env } from './env';
export { HUB_VERSION } from './version';
export type { AppRouter } from './routers/_app';
