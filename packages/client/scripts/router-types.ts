/**
 * Writes the hub's router type as a self-contained TypeScript file, for the published declarations.
 *
 * WHY: `AppRouter` is `typeof appRouter` in apps/server. Its declaration drags in the server's whole context
 * (database, Fastify, pino...) and names types inside private workspace packages, so a d.ts bundler either
 * leaves `@aigne-hub/*` imports behind or inlines half the server. The client needs none of that: only each
 * procedure's kind, input and output, and the error shape. So we ask the TypeScript checker for exactly those
 * types and print them structurally; every named type they mention (e.g. `UsageMetrics`) becomes a local
 * declaration of the same name, copied from the checker's view of it. The result imports nothing but
 * `@trpc/server`, and the build maps `@aigne-hub/server` to it (see tsup.config.ts).
 *
 * Faithfulness is not assumed: router-types.test.ts type-checks that the inputs, outputs and error shape of
 * every procedure are identical to the server's.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface RouterTypesOptions {
  /** The tsconfig whose settings resolve `@aigne-hub/server` (the client's own). */
  tsconfig: string;
  /** Module specifier that exports `type AppRouter`. */
  from?: string;
}

const FLAGS =
  ts.NodeBuilderFlags.NoTruncation |
  ts.NodeBuilderFlags.UseStructuralFallback |
  ts.NodeBuilderFlags.MultilineObjectLiterals |
  ts.NodeBuilderFlags.IgnoreErrors;

const PROCEDURE_TYPES = {
  query: 'TRPCQueryProcedure',
  mutation: 'TRPCMutationProcedure',
  subscription: 'TRPCSubscriptionProcedure',
} as const;

/** Names the generated file declares itself; copied types must not take them. */
const RESERVED = new Set([
  'AppRouter',
  'RouterErrorShape',
  ...Object.values(PROCEDURE_TYPES),
  'TRPCBuiltRouter',
]);

export interface RouterTypes {
  /** A module exporting `type AppRouter` that imports nothing but `@trpc/server`. */
  source: string;
  /** Every procedure's path, e.g. `['apiKeys', 'create']`. */
  procedures: string[][];
}

export function generateRouterTypes(options: RouterTypesOptions): RouterTypes {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    options.tsconfig,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${options.tsconfig}`);
  const compilerOptions = { ...parsed.options, noEmit: true };

  // A one-line entry file, never written to disk: the place from which types are named.
  const entryFile = path.join(path.dirname(options.tsconfig), '__router_types_entry__.ts');
  const entryText = `import type { AppRouter } from '${options.from ?? '@aigne-hub/server'}';\nexport type __Router = AppRouter;\n`;
  const host = ts.createCompilerHost(compilerOptions);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (file, languageVersion, ...rest) =>
    file === entryFile
      ? ts.createSourceFile(file, entryText, languageVersion)
      : getSourceFile(file, languageVersion, ...rest);
  host.fileExists = (file) => file === entryFile || fileExists(file);

  const program = ts.createProgram([entryFile], compilerOptions, host);
  const checker = program.getTypeChecker();
  const entry = program.getSourceFile(entryFile)!;
  const alias = entry.statements.find(ts.isTypeAliasDeclaration)!;
  const router = checker.getTypeAtLocation(alias.name);
  if (router.flags & ts.TypeFlags.Any) {
    throw new Error(`cannot resolve AppRouter from ${options.from ?? '@aigne-hub/server'}`);
  }

  const printer = new TypePrinter(program, checker, entry);
  const prop = (type: ts.Type, name: string, where: string): ts.Type => {
    const symbol = type.getProperty(name);
    if (!symbol) throw new Error(`router types: ${where} has no "${name}"`);
    return checker.getTypeOfSymbol(symbol);
  };

  const def = prop(router, '_def', 'AppRouter');
  const rootTypes = prop(prop(def, '_config', 'AppRouter._def'), '$types', 'AppRouter._def._config');
  const errorShape = printer.print(prop(rootTypes, 'errorShape', 'root types'));
  const transformer = printer.print(prop(rootTypes, 'transformer', 'root types'));

  const paths: string[][] = [];
  const record = (type: ts.Type, where: string[], indent: string): string => {
    const lines: string[] = [];
    for (const symbol of checker.getPropertiesOfType(type)) {
      const name = propertyName(symbol.name);
      const value = checker.getTypeOfSymbol(symbol);
      const here = [...where, symbol.name];
      const at = here.join('.');
      const procedure = value.getProperty('_def') && prop(value, '_def', at).getProperty('procedure');
      if (!procedure) {
        lines.push(`${indent}${name}: {\n${record(value, here, `${indent}  `)}\n${indent}};`);
        continue;
      }
      const procedureDef = prop(value, '_def', at);
      const kind = prop(procedureDef, 'type', at);
      const kindName = kind.isStringLiteral() ? kind.value : '';
      if (!(kindName in PROCEDURE_TYPES)) throw new Error(`router types: ${at} has unknown type`);
      const types = prop(procedureDef, '$types', at);
      paths.push(here);
      lines.push(
        `${indent}${name}: ${PROCEDURE_TYPES[kindName as keyof typeof PROCEDURE_TYPES]}<{\n` +
          `${indent}  input: ${reindent(printer.print(prop(types, 'input', at)), `${indent}  `)};\n` +
          `${indent}  output: ${reindent(printer.print(prop(types, 'output', at)), `${indent}  `)};\n` +
          `${indent}  meta: object;\n` +
          `${indent}  errorShape: RouterErrorShape;\n` +
          `${indent}}>;`,
      );
    }
    return lines.join('\n');
  };
  const procedures = record(prop(def, 'record', 'AppRouter._def'), [], '  ');
  const used = Object.values(PROCEDURE_TYPES).filter((name) => procedures.includes(`${name}<`));

  const source = [
    "// Generated by scripts/router-types.ts from the hub server's AppRouter. Do not edit.",
    `import type { TRPCBuiltRouter, ${used.join(', ')} } from '@trpc/server';`,
    '',
    `type RouterErrorShape = ${errorShape};`,
    '',
    `export type AppRouter = TRPCBuiltRouter<\n  { ctx: object; meta: object; errorShape: RouterErrorShape; transformer: ${transformer} },\n  {\n${procedures}\n  }\n>;`,
    ...printer.declarations(),
    '',
  ].join('\n');
  return { source, procedures: paths };
}

/** Writes the module to `outFile` (creating its folder) and returns the path. */
export function writeRouterTypes(outFile: string, options: RouterTypesOptions): string {
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, generateRouterTypes(options).source);
  return outFile;
}

/**
 * Prints types as TypeScript, turning every reference to a named type that the entry file cannot see
 * (`import("/abs/path").Name`) into a local declaration of that type.
 */
class TypePrinter {
  readonly #printer = ts.createPrinter({ removeComments: true });
  /** Local name of each copied symbol. */
  readonly #names = new Map<ts.Symbol, string>();
  readonly #taken = new Set(RESERVED);
  readonly #declarations: string[] = [];

  constructor(
    readonly program: ts.Program,
    readonly checker: ts.TypeChecker,
    readonly entry: ts.SourceFile,
  ) {}

  #byPath: Map<string, ts.SourceFile> | undefined;

  /** Source files by path without extension, the form `import("...")` references take. */
  #files(): Map<string, ts.SourceFile> {
    this.#byPath ??= new Map(
      this.program.getSourceFiles().map((file) => [file.fileName.replace(/(\.d)?\.[cm]?tsx?$/, ''), file]),
    );
    return this.#byPath;
  }

  print(type: ts.Type, flags = FLAGS): string {
    const node = this.checker.typeToTypeNode(type, this.entry, flags);
    if (!node) throw new Error(`router types: cannot print ${this.checker.typeToString(type)}`);
    return this.#text(node);
  }

  declarations(): string[] {
    return this.#declarations;
  }

  #text(node: ts.Node): string {
    const localized = ts.transform(node, [(context) => (root) => this.#localize(root, context)])
      .transformed[0]!;
    return this.#printer.printNode(ts.EmitHint.Unspecified, localized, this.entry);
  }

  #localize(node: ts.Node, context: ts.TransformationContext): ts.Node {
    const visit = (current: ts.Node): ts.Node => {
      if (ts.isImportTypeNode(current)) {
        if (current.isTypeOf) throw new Error('router types: `typeof import(...)` cannot be copied');
        const specifier = (current.argument as ts.LiteralTypeNode).literal as ts.StringLiteral;
        if (!current.qualifier || !ts.isIdentifier(current.qualifier)) {
          throw new Error(`router types: unsupported reference into ${specifier.text}`);
        }
        const local = this.#localName(specifier.text, current.qualifier.text);
        const args = current.typeArguments?.map((arg) => ts.visitNode(arg, visit, ts.isTypeNode));
        return ts.factory.createTypeReferenceNode(local, args);
      }
      if (ts.isTypeQueryNode(current)) {
        throw new Error(`router types: a value type (typeof) cannot be copied`);
      }
      if (ts.isTypeLiteralNode(current) && current.members.some(ts.isIndexSignatureDeclaration)) {
        const split = splitIndexSignatures(current);
        if (split !== current) return ts.visitEachChild(split, visit, context);
      }
      return ts.visitEachChild(current, visit, context);
    };
    return visit(node);
  }

  /** The local name for `name` exported (or declared) by module `specifier`, declaring it on first use. */
  #localName(specifier: string, name: string): string {
    const symbol = this.#resolve(specifier, name);
    const known = this.#names.get(symbol);
    if (known) return known;
    // The declared name, not the export's: bundled libraries export types under minified aliases.
    const base = /^[A-Za-z_$][\w$]*$/.test(symbol.name) && symbol.name !== 'default' ? symbol.name : name;
    let local = base;
    for (let n = 2; this.#taken.has(local); n += 1) local = `${base}_${n}`;
    this.#taken.add(local);
    this.#names.set(symbol, local);
    this.#declarations.push(this.#declare(symbol, local));
    return local;
  }

  #resolve(specifier: string, name: string): ts.Symbol {
    const file = this.#files().get(specifier);
    if (!file) throw new Error(`router types: cannot find module ${specifier}`);
    const moduleSymbol = this.checker.getSymbolAtLocation(file);
    let symbol = moduleSymbol && this.checker.getExportsOfModule(moduleSymbol).find((s) => s.name === name);
    if (!symbol) {
      // Not exported: a type the module declares for itself.
      const declaration = file.statements.find(
        (s): s is ts.InterfaceDeclaration | ts.TypeAliasDeclaration =>
          (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name.text === name,
      );
      symbol = declaration && this.checker.getSymbolAtLocation(declaration.name);
    }
    if (!symbol) throw new Error(`router types: ${specifier} has no type ${name}`);
    return symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
  }

  #declare(symbol: ts.Symbol, local: string): string {
    const declarations = symbol.declarations ?? [];
    const alias = declarations.find(ts.isTypeAliasDeclaration);
    if (alias) {
      const body = this.print(
        this.checker.getDeclaredTypeOfSymbol(symbol),
        FLAGS | ts.NodeBuilderFlags.InTypeAlias,
      );
      return `\ntype ${local}${this.#typeParameters(alias)} = ${body};`;
    }
    const face = declarations.find(ts.isInterfaceDeclaration);
    if (face) return `\ninterface ${local}${this.#typeParameters(face)} ${this.#members(symbol)}`;
    throw new Error(`router types: ${symbol.name} is neither a type alias nor an interface`);
  }

  #typeParameters(declaration: ts.InterfaceDeclaration | ts.TypeAliasDeclaration): string {
    if (!declaration.typeParameters?.length) return '';
    const parameters = declaration.typeParameters.map((parameter) => {
      const type = this.checker.getTypeAtLocation(parameter);
      const node = this.checker.typeParameterToDeclaration(type, this.entry, FLAGS);
      if (!node) throw new Error(`router types: cannot print type parameter ${parameter.name.text}`);
      return this.#text(node);
    });
    return `<${parameters.join(', ')}>`;
  }

  /** An interface body from the checker: every (also inherited) property, index and call signature. */
  #members(symbol: ts.Symbol): string {
    const type = this.checker.getDeclaredTypeOfSymbol(symbol);
    const members: string[] = [];
    for (const info of this.checker.getIndexInfosOfType(type)) {
      const node = this.checker.indexInfoToIndexSignatureDeclaration(info, this.entry, FLAGS);
      if (node) members.push(`  ${this.#text(node)}`);
    }
    for (const signature of this.checker.getSignaturesOfType(type, ts.SignatureKind.Call)) {
      const node = this.checker.signatureToSignatureDeclaration(
        signature,
        ts.SyntaxKind.CallSignature,
        this.entry,
        FLAGS,
      );
      if (node) members.push(`  ${this.#text(node)}`);
    }
    for (const property of this.checker.getPropertiesOfType(type)) {
      const readonly = (property.declarations ?? []).some(
        (d) => ts.getCombinedModifierFlags(d) & ts.ModifierFlags.Readonly,
      );
      const optional = property.flags & ts.SymbolFlags.Optional ? '?' : '';
      const value = this.print(this.checker.getTypeOfSymbol(property));
      members.push(`  ${readonly ? 'readonly ' : ''}${propertyName(property.name)}${optional}: ${value};`);
    }
    return `{\n${members.join('\n')}\n}`;
  }
}

/**
 * A type like zod's looseObject output, `{ a?: string; [k: string]: string }`, exists in the checker but cannot
 * be written as one literal: an optional property's `undefined` does not fit the index signature (TS2411).
 * Written as the intersection of its index signatures and its properties, it compiles and means the same.
 */
function splitIndexSignatures(literal: ts.TypeLiteralNode): ts.TypeNode {
  const indexes = literal.members.filter(ts.isIndexSignatureDeclaration);
  const others = literal.members.filter((member) => !ts.isIndexSignatureDeclaration(member));
  if (!others.some((member) => ts.isPropertySignature(member) && member.questionToken)) return literal;
  return ts.factory.createIntersectionTypeNode([
    ts.factory.createTypeLiteralNode(indexes),
    ts.factory.createTypeLiteralNode(others),
  ]);
}

/** Re-indents the printer's output (4 spaces a level) to two spaces a level under `prefix`. */
function reindent(text: string, prefix: string): string {
  return text.replace(/\n( *)/g, (_, spaces: string) => `\n${prefix}${' '.repeat(spaces.length / 2)}`);
}

function propertyName(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}
