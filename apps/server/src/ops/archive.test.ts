import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  extractMember,
  fileDigest,
  listArchive,
  readMember,
  writeArchive,
  type ArchiveInput,
} from './archive';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-archive-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const MTIME = new Date('2025-03-01T09:00:00.000Z');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function write(name: string, entries: ArchiveInput[]): string {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, 'wx', 0o600);
  try {
    writeArchive(fd, entries, MTIME);
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

/** 1,300,000 bytes of a fixed pattern (spans copy chunks, not a multiple of 512). */
function bigFile(): { file: string; data: Buffer } {
  const data = Buffer.alloc(1_300_000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + 7) & 0xff;
  const file = path.join(dir, 'big.bin');
  fs.writeFileSync(file, data);
  return { file, data };
}

describe('the backup archive', () => {
  it('round-trips bytes and files, with their offsets and digests', () => {
    const { file: big, data } = bigFile();
    const manifest = Buffer.from('{"format":"test"}\n');
    const archive = write('a.tar', [
      { name: 'manifest.json', source: { data: manifest } },
      { name: 'big.bin', source: { file: big } },
      { name: 'empty', source: { data: Buffer.alloc(0) } },
    ]);
    const members = listArchive(archive);
    expect(members).toEqual([
      { name: 'manifest.json', size: manifest.length, offset: 512 },
      { name: 'big.bin', size: data.length, offset: 512 + 512 + 512 },
      { name: 'empty', size: 0, offset: 1536 + Math.ceil(data.length / 512) * 512 + 512 },
    ]);
    // Two zero blocks end it.
    expect(fs.statSync(archive).size).toBe(members[2]!.offset + 1024);
    expect(readMember(archive, members[0]!, 1024)).toEqual(manifest);
    const out = path.join(dir, 'out.bin');
    expect(extractMember(archive, members[1]!, out)).toBe(sha256(data));
    expect(fs.readFileSync(out).equals(data)).toBe(true);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    expect(fileDigest(out)).toEqual({ sha256: sha256(data), bytes: data.length });
  });

  it('is a tar file the system tar reads, byte for byte', () => {
    const { file: big, data } = bigFile();
    const archive = write('a.tar', [
      { name: 'manifest.json', source: { data: Buffer.from('{}') } },
      { name: 'big.bin', source: { file: big } },
    ]);
    const listing = execFileSync('tar', ['-tvf', archive], { encoding: 'utf8' });
    expect(listing).toMatch(/^-rw------- 0\/0 +2 2025-03-01 \d\d:\d\d manifest\.json\n/);
    expect(listing).toMatch(/\n-rw------- 0\/0 +1300000 2025-03-01 \d\d:\d\d big\.bin\n$/);
    expect(
      execFileSync('tar', ['-xOf', archive, 'big.bin'], { maxBuffer: 4 * 1024 * 1024 }).equals(data),
    ).toBe(true);
  });

  it('reads an archive written by the system tar', () => {
    fs.writeFileSync(path.join(dir, 'one.txt'), 'first');
    fs.writeFileSync(path.join(dir, 'two.txt'), 'second file');
    const archive = path.join(dir, 'sys.tar');
    execFileSync('tar', ['--format=ustar', '-cf', archive, '-C', dir, 'one.txt', 'two.txt']);
    const members = listArchive(archive);
    expect(members.map((member) => [member.name, member.size])).toEqual([
      ['one.txt', 5],
      ['two.txt', 11],
    ]);
    expect(readMember(archive, members[1]!, 100).toString()).toBe('second file');
  });

  it('refuses members that are not regular files', () => {
    fs.writeFileSync(path.join(dir, 'target.txt'), 'x');
    fs.symlinkSync('target.txt', path.join(dir, 'link'));
    const archive = path.join(dir, 'link.tar');
    execFileSync('tar', ['--format=ustar', '-cf', archive, '-C', dir, 'link']);
    expect(() => listArchive(archive)).toThrow('the backup file holds "link", which is not a regular file');
  });

  it('refuses a damaged header and an archive cut short', () => {
    const archive = write('a.tar', [{ name: 'a', source: { data: Buffer.alloc(2000, 1) } }]);
    const bytes = fs.readFileSync(archive);
    const damaged = path.join(dir, 'damaged.tar');
    const flipped = Buffer.from(bytes);
    flipped[0] = 'b'.charCodeAt(0);
    fs.writeFileSync(damaged, flipped);
    expect(() => listArchive(damaged)).toThrow(
      'the backup file is damaged (a tar header checksum does not match)',
    );
    const short = path.join(dir, 'short.tar');
    fs.writeFileSync(short, bytes.subarray(0, 1500));
    expect(() => listArchive(short)).toThrow('the backup file is cut short');
  });

  it('reads sizes in the base-256 form used for members over 8 GiB', () => {
    const archive = write('a.tar', [{ name: 'a', source: { data: Buffer.from('hello') } }]);
    const bytes = fs.readFileSync(archive);
    // Rewrite the size field (offset 124, 12 bytes) as base-256 and fix the checksum, as GNU tar writes it.
    bytes.fill(0, 124, 136);
    bytes[124] = 0x80;
    bytes.writeBigUInt64BE(5n, 128);
    bytes.fill(0x20, 148, 156);
    const sum = bytes.subarray(0, 512).reduce((total, byte) => total + byte, 0);
    bytes.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    fs.writeFileSync(archive, bytes);
    expect(listArchive(archive)).toEqual([{ name: 'a', size: 5, offset: 512 }]);
  });

  it('refuses to write names that could escape or hide', () => {
    for (const name of ['../hub.db', 'a/b', '.hidden', '', 'x'.repeat(101)]) {
      expect(() => write(`n${Math.random()}.tar`, [{ name, source: { data: Buffer.alloc(1) } }])).toThrow(
        'cannot archive a member named',
      );
    }
  });

  it('refuses to read a member larger than the caller allows', () => {
    const archive = write('a.tar', [{ name: 'manifest.json', source: { data: Buffer.alloc(600) } }]);
    expect(() => readMember(archive, listArchive(archive)[0]!, 512)).toThrow(
      'manifest.json in the backup file is too large',
    );
  });
});
