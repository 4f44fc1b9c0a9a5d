import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from './env';

describe('loadEnv', () => {
  it('defaults to port 8090 and ./data under the working directory', () => {
    const env = loadEnv({}, '/srv/hub');
    expect(env).toMatchObject({
      port: 8090,
      host: '0.0.0.0',
      dataDir: '/srv/hub/data',
      keyFile: '/srv/hub/data/master.key',
      publicUrl: undefined,
      encryptionKeys: undefined,
      blocklet: undefined,
      logLevel: 'info',
    });
  });

  it('honours PORT, HUB_DATA_DIR, HUB_KEY_FILE and HUB_PUBLIC_URL', () => {
    const env = loadEnv(
      {
        PORT: '9000',
        HUB_DATA_DIR: 'var/hub',
        HUB_KEY_FILE: '/keys/hub.key',
        HUB_PUBLIC_URL: 'https://hub.example.com/',
      },
      '/srv',
    );
    expect(env.port).toBe(9000);
    expect(env.dataDir).toBe(path.resolve('/srv/var/hub'));
    expect(env.keyFile).toBe('/keys/hub.key');
    expect(env.publicUrl).toBe('https://hub.example.com');
  });

  it('treats an empty HUB_ENCRYPTION_KEYS as unset', () => {
    expect(loadEnv({ HUB_ENCRYPTION_KEYS: '  ' }).encryptionKeys).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT /],
    [{ PORT: '70000' }, /^PORT must be between 0 and 65535$/],
    [{ HUB_PUBLIC_URL: 'ftp://hub' }, /^HUB_PUBLIC_URL /],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL /],
  ])('rejects %o with a one-line reason naming the variable', (source, message) => {
    expect(() => loadEnv(source)).toThrow(EnvError);
    expect(() => loadEnv(source)).toThrow(message);
  });

  it('selects Blocklet mode only when both BLOCKLET_APP_EK and BLOCKLET_DID are present', () => {
    expect(loadEnv({ BLOCKLET_DID: 'z8ia' }).blocklet).toBeUndefined();
    const env = loadEnv(
      {
        BLOCKLET_APP_EK: '0xabc',
        BLOCKLET_DID: 'z8ia',
        BLOCKLET_DATA_DIR: '/blocklet/data',
        BLOCKLET_PORT: '3030',
      },
      '/srv',
    );
    expect(env.blocklet).toEqual({ appEk: '0xabc', did: 'z8ia' });
    expect(env.dataDir).toBe('/blocklet/data');
    expect(env.port).toBe(3030);
  });
});
