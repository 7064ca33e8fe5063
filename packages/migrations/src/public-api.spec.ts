import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The public API is deliberate: every name `index.ts` exports is documented where it is
 * declared, and is the engine's own (no third-party re-exports). Read from the syntax alone,
 * so it runs in a blink.
 */

interface Export {
  readonly name: string;
  /** Where it is declared, relative to src/, or the package it comes from. */
  readonly from: string;
  readonly documented: boolean;
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

function moduleFile(fromFile: string, specifier: string): string {
  const base = resolve(dirname(fromFile), specifier);
  return [`${base}.ts`, join(base, 'index.ts')].find(existsSync)!;
}

const hasDoc = (node: ts.Node) => ts.getJSDocCommentsAndTags(node).length > 0;

/** The declaration of `name` in `file` (following re-exports), and whether it carries TSDoc. */
function declarationOf(file: string, name: string): Export {
  const source = parse(file);
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      const specifier = statement.moduleSpecifier.text;
      const match = statement.exportClause && ts.isNamedExports(statement.exportClause) ? statement.exportClause.elements.find((e) => e.name.text === name) : undefined;
      if (match) return specifier.startsWith('.') ? declarationOf(moduleFile(file, specifier), (match.propertyName ?? match.name).text) : { name, from: specifier, documented: hasDoc(statement) };
      continue;
    }
    const named =
      ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)
        ? statement.name?.text === name
        : ts.isVariableStatement(statement) && statement.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name);
    if (named) return { name, from: relative(__dirname, file).split('\\').join('/'), documented: hasDoc(statement) };
  }
  throw new Error(`${name} is not declared in ${file}`);
}

describe('the public API (src/index.ts)', () => {
  const entry = join(__dirname, 'index.ts');
  const exported: Export[] = parse(entry).statements.flatMap((statement) => {
    if (!ts.isExportDeclaration(statement) || !statement.exportClause || !ts.isNamedExports(statement.exportClause)) {
      if (ts.isExportDeclaration(statement)) throw new Error('index.ts lists its exports by name: no `export *`.');
      return [];
    }
    return statement.exportClause.elements.map((element) => declarationOf(entry, element.name.text));
  });

  it('exports the engine and its contract', () => {
    const names = exported.map((e) => e.name);
    for (const name of ['DataMigrator', 'SchemaMigrator', 'CombinedMigrator', 'orderAll', 'BaseMigration', 'defineMigration', 'createSchemaMigration', 'fileSnapshotStore', 'OmError']) {
      expect(names).toContain(name);
    }
  });

  it('documents every export where it is declared', () => {
    expect(exported.filter((e) => !e.documented).map((e) => `${e.name} (${e.from})`)).toEqual([]);
  });

  it('re-exports nothing of other packages', () => {
    const foreign = exported.filter((e) => !e.from.endsWith('.ts'));
    expect(foreign.map((e) => `${e.name} (from ${e.from})`)).toEqual([]);
  });

  it('keeps test-only helpers out', () => {
    expect(exported.map((e) => e.name)).not.toContain('schemaLedgerKey');
  });
});
