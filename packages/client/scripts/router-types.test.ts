/**
 * The flattened router type must mean exactly what the server's does. The TypeScript compiler checks it here:
 * for every procedure, the kind, the input (mutually assignable) and the output (identical), and the error
 * shape. A deliberately altered copy must fail exactly where it was altered, which shows the check can fail.
 */
import path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateRouterTypes, type RouterTypes } from './router-types';

const root = path.resolve(import.meta.dirname, '..');
const tsconfig = path.join(root, 'tsconfig.json');

let generated: RouterTypes;

beforeAll(() => {
  generated = generateRouterTypes({ tsconfig });
}, 60_000);

/** One assertion per procedure, each on its own line so a failure names the procedure. */
function checks(flatModule: string): string {
  const at = (p: string[]) => p.map((k) => `[${JSON.stringify(k)}]`).join('');
  const lines = generated.procedures.map((p) => {
    const id = p.join('_');
    return [
      `export type Kind_${id} = Assert<Same<keyof Client<Server>${at(p)}, keyof Client<Flat>${at(p)}>>;`,
      `export type In_${id} = Assert<Mutual<In<Server>${at(p)}, In<Flat>${at(p)}>>;`,
      `export type Out_${id} = Assert<Same<Out<Server>${at(p)}, Out<Flat>${at(p)}>>;`,
    ].join('\n');
  });
  return [
    "import type { TRPCClient as Client } from '@trpc/client';",
    "import type { inferRouterError, inferRouterInputs as In, inferRouterOutputs as Out } from '@trpc/server';",
    "import type { AppRouter as Server } from '@aigne-hub/server';",
    `import type { AppRouter as Flat } from './${flatModule}';`,
    'type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;',
    'type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;',
    'type Assert<T extends true> = T;',
    'export type ErrorShape = Assert<Same<inferRouterError<Server>, inferRouterError<Flat>>>;',
    'export type Procedures = Assert<Mutual<Client<Server>, Client<Flat>>>;',
    ...lines,
    '',
  ].join('\n');
}

/** Type-checks in-memory files (under the package, so that its dependencies resolve); errors by file. */
function typeCheck(files: Record<string, string>): Map<string, string[]> {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    tsconfig,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => undefined,
    },
  )!;
  const options = { ...parsed.options, noEmit: true };
  const dir = path.join(root, '__router_types_check__');
  const virtual = new Map(Object.entries(files).map(([name, text]) => [path.join(dir, name), text]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (file, version, ...rest) => {
    const text = virtual.get(file);
    return text === undefined
      ? getSourceFile(file, version, ...rest)
      : ts.createSourceFile(file, text, version);
  };
  host.fileExists = (file) => virtual.has(file) || fileExists(file);
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (directory) => directory === dir || (directoryExists?.(directory) ?? true);
  const program = ts.createProgram([...virtual.keys()], options, host);
  const errors = new Map<string, string[]>();
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file ? path.basename(diagnostic.file.fileName) : '(global)';
    const line = diagnostic.file
      ? diagnostic.file.text.split('\n')[
          diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start!).line
        ]!
      : '';
    errors.set(file, [
      ...(errors.get(file) ?? []),
      `${line.trim()} :: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`,
    ]);
  }
  return errors;
}

describe('generateRouterTypes', () => {
  it('finds every procedure of the hub', () => {
    const names = generated.procedures.map((p) => p.join('.'));
    expect(names).toEqual(
      expect.arrayContaining(['auth.challenge', 'auth.login', 'me.get', 'apiKeys.create']),
    );
    expect(new Set(names).size).toBe(names.length);
  });

  it('imports nothing but @trpc/server and names no private package or absolute path', () => {
    const imports = [...generated.source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports).toEqual(['@trpc/server']);
    expect(generated.source).not.toContain('@aigne-hub/');
    expect(generated.source).not.toContain('import(');
    expect(generated.source).not.toContain('node_modules');
  });

  it('means exactly what the server router means, and a changed copy is caught', () => {
    const anchor = 'needsOwner: boolean;';
    expect(generated.source.split(anchor)).toHaveLength(2); // exactly one place to change
    const errors = typeCheck({
      'flat.ts': generated.source,
      'check.ts': checks('flat'),
      'altered.ts': generated.source.replace(anchor, 'needsOwner: string;'),
      'check-altered.ts': checks('altered'),
    });
    expect(errors.get('flat.ts')).toBeUndefined();
    expect(errors.get('check.ts')).toBeUndefined();
    expect(errors.get('altered.ts')).toBeUndefined();
    const altered = errors.get('check-altered.ts') ?? [];
    expect(altered.map((e) => e.split(' :: ')[0])).toEqual([
      'export type Procedures = Assert<Mutual<Client<Server>, Client<Flat>>>;',
      'export type Out_auth_setupStatus = Assert<Same<Out<Server>["auth"]["setupStatus"], Out<Flat>["auth"]["setupStatus"]>>;',
    ]);
    expect([...errors.keys()].sort()).toEqual(['check-altered.ts']);
  }, 120_000);
});
