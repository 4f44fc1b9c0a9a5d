/**
 * The backup file: a plain POSIX tar (ustar) archive, so that an operator can inspect it with `tar -tvf` and
 * unpack it by hand in an emergency. Written and read here with a few lines rather than a dependency: the hub
 * only ever needs regular files with short names.
 *
 * Uncompressed on purpose: the files are read back by seeking to each member, and SQLite pages compress well
 * with whatever the operator's backup pipeline already uses (`gzip`, `zstd`, the storage's own compression).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { ValidationError } from '@aigne-hub/core';

const BLOCK = 512;
const COPY_CHUNK = 1024 * 1024;
/** 11 octal digits: the largest size plain ustar can write; bigger files use the base-256 form GNU tar reads. */
const MAX_OCTAL_SIZE = 0o77777777777;

export interface ArchiveInput {
  /** Member name, at most 100 bytes (no directories needed here). */
  name: string;
  /** The member's content: a file to copy, or bytes. */
  source: { file: string } | { data: Buffer };
}

export interface ArchiveMember {
  name: string;
  size: number;
  /** Where the member's data starts in the archive. */
  offset: number;
}

/** Writes `entries` to the open file `fd` as a tar archive (the caller opens, syncs and closes it). */
export function writeArchive(fd: number, entries: readonly ArchiveInput[], mtime: Date): void {
  for (const entry of entries) {
    const size = 'data' in entry.source ? entry.source.data.length : fs.statSync(entry.source.file).size;
    writeAll(fd, header(entry.name, size, mtime));
    let written: number;
    if ('data' in entry.source) {
      writeAll(fd, entry.source.data);
      written = entry.source.data.length;
    } else {
      written = copyFile(entry.source.file, fd);
    }
    if (written !== size) {
      throw new Error(`${entry.name} changed while it was being archived (${written} of ${size} bytes)`);
    }
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (padding > 0) writeAll(fd, Buffer.alloc(padding));
  }
  writeAll(fd, Buffer.alloc(2 * BLOCK));
}

/** `writeSync` may write less than asked; this does not return until everything is written. */
function writeAll(fd: number, data: Buffer): void {
  let done = 0;
  while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done);
}

/** Lists the regular-file members of an archive. Anything else (links, devices, bad checksums) is refused. */
export function listArchive(file: string): ArchiveMember[] {
  const fd = fs.openSync(file, 'r');
  try {
    const total = fs.fstatSync(fd).size;
    const members: ArchiveMember[] = [];
    const block = Buffer.alloc(BLOCK);
    let position = 0;
    for (;;) {
      if (position + BLOCK > total) throw new ValidationError('the backup file is cut short');
      fs.readSync(fd, block, 0, BLOCK, position);
      if (block.every((byte) => byte === 0)) return members;
      const member = parseHeader(block, position + BLOCK);
      if (member.offset + member.size > total) throw new ValidationError('the backup file is cut short');
      members.push(member);
      position = member.offset + Math.ceil(member.size / BLOCK) * BLOCK;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The bytes of a (small) member. */
export function readMember(file: string, member: ArchiveMember, maxBytes: number): Buffer {
  if (member.size > maxBytes) throw new ValidationError(`${member.name} in the backup file is too large`);
  const fd = fs.openSync(file, 'r');
  try {
    const data = Buffer.alloc(member.size);
    fs.readSync(fd, data, 0, member.size, member.offset);
    return data;
  } finally {
    fs.closeSync(fd);
  }
}

/** Copies a member to `target` (created with mode 0600, must not exist); returns its SHA-256 (hex). */
export function extractMember(file: string, member: ArchiveMember, target: string): string {
  const hash = createHash('sha256');
  const input = fs.openSync(file, 'r');
  try {
    const output = fs.openSync(target, 'wx', 0o600);
    try {
      const chunk = Buffer.alloc(COPY_CHUNK);
      let done = 0;
      while (done < member.size) {
        const length = fs.readSync(
          input,
          chunk,
          0,
          Math.min(COPY_CHUNK, member.size - done),
          member.offset + done,
        );
        if (length === 0) throw new ValidationError('the backup file is cut short');
        hash.update(chunk.subarray(0, length));
        writeAll(output, chunk.subarray(0, length));
        done += length;
      }
      fs.fsyncSync(output);
    } finally {
      fs.closeSync(output);
    }
  } finally {
    fs.closeSync(input);
  }
  return hash.digest('hex');
}

/** SHA-256 (hex) and size of a file. */
export function fileDigest(file: string): { sha256: string; bytes: number } {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  let bytes = 0;
  try {
    const chunk = Buffer.alloc(COPY_CHUNK);
    for (;;) {
      const length = fs.readSync(fd, chunk, 0, COPY_CHUNK, bytes);
      if (length === 0) break;
      hash.update(chunk.subarray(0, length));
      bytes += length;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { sha256: hash.digest('hex'), bytes };
}

function copyFile(file: string, output: number): number {
  const input = fs.openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(COPY_CHUNK);
    let done = 0;
    for (;;) {
      const length = fs.readSync(input, chunk, 0, COPY_CHUNK, done);
      if (length === 0) return done;
      writeAll(output, chunk.subarray(0, length));
      done += length;
    }
  } finally {
    fs.closeSync(input);
  }
}

function header(name: string, size: number, mtime: Date): Buffer {
  const block = Buffer.alloc(BLOCK);
  if (Buffer.byteLength(name) > 100 || name.includes('/') || name === '' || name.startsWith('.')) {
    throw new ValidationError(`cannot archive a member named ${JSON.stringify(name)}`);
  }
  block.write(name, 0, 'utf8');
  octal(block, 100, 8, 0o600); // mode
  octal(block, 108, 8, 0); // uid
  octal(block, 116, 8, 0); // gid
  if (size <= MAX_OCTAL_SIZE) {
    octal(block, 124, 12, size);
  } else {
    // Base-256: the high bit of the first byte flags it, the number follows big-endian.
    block[124] = 0x80;
    block.writeBigUInt64BE(BigInt(size), 124 + 4);
  }
  octal(block, 136, 12, Math.floor(mtime.getTime() / 1000));
  block.write('0', 156, 'ascii'); // a regular file
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  // The checksum is computed with its own field as eight spaces, then written as six digits, NUL, space.
  block.fill(0x20, 148, 156);
  const sum = block.reduce((total, byte) => total + byte, 0);
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

function octal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, 'ascii');
}

function parseHeader(block: Buffer, dataOffset: number): ArchiveMember {
  const stored = Number.parseInt(text(block, 148, 8).trim() || 'x', 8);
  const copy = Buffer.from(block);
  copy.fill(0x20, 148, 156);
  if (stored !== copy.reduce((total, byte) => total + byte, 0)) {
    throw new ValidationError('the backup file is damaged (a tar header checksum does not match)');
  }
  const type = text(block, 156, 1);
  const prefix = text(block, 345, 155);
  const name = prefix === '' ? text(block, 0, 100) : `${prefix}/${text(block, 0, 100)}`;
  if (type !== '0' && type !== '') {
    throw new ValidationError(`the backup file holds ${JSON.stringify(name)}, which is not a regular file`);
  }
  return { name, size: sizeOf(block), offset: dataOffset };
}

function sizeOf(block: Buffer): number {
  if ((block[124]! & 0x80) !== 0) {
    const size = Number(block.readBigUInt64BE(124 + 4));
    if (!Number.isSafeInteger(size))
      throw new ValidationError('the backup file is damaged (a size is too large)');
    return size;
  }
  const size = Number.parseInt(text(block, 124, 12).trim() || 'x', 8);
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new ValidationError('the backup file is damaged (a tar header size is invalid)');
  }
  return size;
}

/** A NUL-terminated field. */
function text(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}
