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

describe('HUB_TRUST_PROXY', () => {
  it.each([
    ['false', false],
    ['0', false],
    ['true', true],
    ['1', 1],
    ['2', 2],
    ['loopback', ['loopback']],
    ['127.0.0.1, 10.0.0.0/8, ::1, fd00::/8', ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']],
  ] as const)('%s', (value, expected) => {
    expect(loadEnv({ HUB_TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('believes only a proxy on the same machine under Blocklet Server, unless told otherwise', () => {
    const blocklet = { BLOCKLET_APP_EK: 'ek', BLOCKLET_DID: 'zNKblocklet' };
    expect(loadEnv(blocklet).trustProxy).toEqual(['loopback']);
    expect(loadEnv({ ...blocklet, HUB_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadEnv({}).trustProxy).toBe(false);
  });

  it.each(['yes', '10.0.0.0/33', '300.1.1.1', 'loopback,', '::1/129', '127.0.0.1/8/1'])(
    'refuses %s with a message that names the forms',
    (value) => {
      expect(() => loadEnv({ HUB_TRUST_PROXY: value })).toThrow(
        /^HUB_TRUST_PROXY must be true, false, a number of proxy hops/,
      );
    },
  );
});
