import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeMasterKey, generateMasterKey, masterKeyId } from '@aigne-hub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatKeyFile, writeKeyFile } from './key-file';
import { KEY_FILE_HEADER, loadKeyring, readKeyFile } from './master-key';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'key-file-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const A = Buffer.alloc(32, 1);
const B = Buffer.alloc(32, 2);

describe('formatKeyFile', () => {
  it('is the header, then one base64 key a line, active first', () => {
    expect(formatKeyFile([B, A])).toBe(
      [
        ...KEY_FILE_HEADER,
        'AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=',
        'AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=',
        '',
      ].join('\n'),
    );
    expect(encodeMasterKey(A)).toBe('AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=');
  });
});

describe('writeKeyFile', () => {
  it('replaces the file atomically with a 0600 file that the key loader reads back in order', () => {
    const file = path.join(dir, 'master.key');
    fs.writeFileSync(file, formatKeyFile([A]), { mode: 0o600 });
    const before = fs.statSync(file).ino;
    const fresh = generateMasterKey();
    writeKeyFile(file, [fresh, A]);

    expect(fs.statSync(file).ino).not.toBe(before); // a new file renamed into place, not rewritten in place
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readKeyFile(file)).toEqual([fresh, A]);
    const loaded = loadKeyring({ encryptionKeys: undefined, blocklet: undefined, keyFile: file });
    expect(loaded).toMatchObject({ source: 'file', created: false });
    expect(loaded.keyring.keyIds).toEqual([masterKeyId(fresh), masterKeyId(A)]);
    expect(fs.readdirSync(dir)).toEqual(['master.key']);
  });

  it('creates the file when it does not exist', () => {
    const file = path.join(dir, 'new.key');
    writeKeyFile(file, [B]);
    expect(readKeyFile(file)).toEqual([B]);
  });

  it('leaves the old file untouched and no temporary file when it cannot write', () => {
    const file = path.join(dir, 'missing-folder', 'master.key');
    expect(() => writeKeyFile(file, [B])).toThrow(/ENOENT/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
