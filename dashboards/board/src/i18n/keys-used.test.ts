import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * A catalogue key that no source file uses is a string translators keep up for nothing. A text
 * search for the key name cannot tell: keys are built (`tWard(\`vital_${name}\`)`), picked from
 * tables (`tm(LABEL[t])`) and short names such as `open` stand in many unrelated strings. So the
 * compiler answers instead: at every call of a catalogue it resolves the key parameter to the set
 * of key literals the argument can be, and a string literal whose expected type is a catalogue's
 * whole key type (a table of keys typed `Parameters<typeof tX>[0]`) counts as using that key.
 * Anything else that hands a catalogue around as a value is reported, since its keys cannot be seen.
 */

const SRC = fileURLToPath(new URL('..', import.meta.url));
const I18N = join(SRC, 'i18n');
const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

interface Catalogue {
  id: string;
  keys: Set<string>;
  used: Set<string>;
}

/** Every key of every catalogue in src/i18n that no non-test source file uses, plus what blinds the scan. */
function unusedKeys(): { unused: string[]; blind: string[] } {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.base.json'), ts.sys.readFile).config;
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, ROOT);
  const files = sourceFiles(SRC);
  const program = ts.createProgram(files, options);
  const checker = program.getTypeChecker();
  const ours = program.getSourceFiles().filter((sf) => files.includes(sf.fileName));
  const where = (n: ts.Node) =>
    `${n.getSourceFile().fileName.slice(SRC.length)}:${n.getSourceFile().getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  // The string literals a type stands for (an optional slot's `undefined` aside), or undefined if it is wider.
  const literals = (t: ts.Type): string[] | undefined => {
    const parts = (t.isUnion() ? t.types : [t]).filter(
      (p) => !(p.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)),
    );
    return parts.every((p) => p.isStringLiteral()) ? parts.map((p) => (p as ts.StringLiteralType).value) : undefined;
  };

  // The catalogues: `export const tX = defineMessages(en, zh)` in src/i18n/*.ts, keyed by their symbol.
  const catalogues = new Map<ts.Symbol, Catalogue>();
  for (const sf of ours.filter((f) => f.fileName.startsWith(I18N))) {
    sf.forEachChild(function find(n) {
      if (
        ts.isVariableDeclaration(n) &&
        ts.isIdentifier(n.name) &&
        n.initializer &&
        ts.isCallExpression(n.initializer) &&
        n.initializer.expression.getText() === 'defineMessages' &&
        n.initializer.arguments[0]
      ) {
        const symbol = checker.getSymbolAtLocation(n.name);
        const keys = checker.getTypeAtLocation(n.initializer.arguments[0]).getProperties();
        if (symbol)
          catalogues.set(symbol, { id: n.name.text, keys: new Set(keys.map((k) => k.name)), used: new Set() });
      }
      n.forEachChild(find);
    });
  }

  const blind: string[] = [];
  const catalogueOf = (n: ts.Identifier): Catalogue | undefined => {
    let symbol = checker.getSymbolAtLocation(n);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return symbol && catalogues.get(symbol);
  };
  for (const sf of ours) {
    sf.forEachChild(function scan(n) {
      if (ts.isIdentifier(n)) {
        const catalogue = catalogueOf(n);
        const p = n.parent;
        if (!catalogue || ts.isVariableDeclaration(p) || ts.isImportSpecifier(p) || ts.isTypeQueryNode(p)) {
          // Not a catalogue, or its declaration, an import, or `typeof tX` in a type.
        } else if (ts.isCallExpression(p) && p.expression === n) {
          const param = checker.getResolvedSignature(p)?.getParameters()[0];
          const keys = param && literals(checker.getTypeOfSymbol(param));
          if (keys) for (const k of keys) catalogue.used.add(k);
          else blind.push(`${where(p)}: cannot tell which ${catalogue.id} key this call uses`);
        } else blind.push(`${where(n)}: ${catalogue.id} used as a value; its keys cannot be followed`);
      } else if (ts.isStringLiteralLike(n)) {
        const expected = checker.getContextualType(n as ts.Expression);
        const set = expected && literals(expected);
        if (set) {
          for (const c of catalogues.values()) {
            if (set.length === c.keys.size && set.every((k) => c.keys.has(k))) c.used.add(n.text);
          }
        }
      }
      n.forEachChild(scan);
    });
  }
  const unused = [...catalogues.values()].flatMap((c) =>
    [...c.keys].filter((k) => !c.used.has(k)).map((k) => `${c.id}.${k}`),
  );
  return { unused, blind };
}

describe('catalogue keys', () => {
  it('are each used somewhere in src (a test alone does not count)', { timeout: 60_000 }, () => {
    const { unused, blind } = unusedKeys();
    expect(blind).toEqual([]);
    expect(unused).toEqual([]);
  });
});
