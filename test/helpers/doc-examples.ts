/**
 * The `@example` blocks of the TSDoc comments in src/, extracted to be type-checked and run as
 * modules (test/doc-examples.test.ts), and the public API's classes and functions, to check that
 * each has one.
 *
 * An example is a ```ts fenced block inside an `@example` tag. It is written as a user's program:
 * it may import from 'fastoptim' itself; otherwise every export of the public index is imported
 * for it. The generated modules live in node_modules/.cache (inside the project, so that the
 * test runner resolves them like any test file, and git-ignored).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import ts from 'typescript';

export const root = path.resolve(import.meta.dirname, '..', '..');
const srcDir = path.join(root, 'src');
const indexFile = path.join(srcDir, 'index.ts');

export interface DocExample {
  /** Where: `src/optim/adam.ts: Adam`. */
  where: string;
  /** The declaration's name (`Adam`, `Optimizer.stateDict`). */
  name: string;
  /** The block's code as written; null for an `@example` section without a ```ts block. */
  code: string | null;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f))
    .sort();
}

function declarationName(node: ts.Node): string {
  const own = (n: ts.Node) => {
    const name = (n as { name?: ts.Node }).name;
    if (name && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name))) return name.text;
    if (ts.isConstructorDeclaration(n)) return 'constructor';
    if (ts.isVariableStatement(n)) return n.declarationList.declarations.map((d) => d.name.getText()).join(', ');
    return null;
  };
  const parts: string[] = [];
  for (let n: ts.Node | undefined = node; n && !ts.isSourceFile(n); n = n.parent) {
    const name = own(n);
    if (name) parts.unshift(name);
  }
  return parts.join('.') || '(file)';
}

/**
 * The `@example` sections of one JSDoc comment's raw text, each as the list of its ```ts blocks
 * (a section without one is an empty list: the test refuses it, since it could not be run).
 */
export function examplesOfComment(raw: string): string[][] {
  // Strip the comment markers: `/**`, `*/` and each line's leading ` * `.
  const lines = raw
    .replace(/^\/\*\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''));
  const sections: string[][] = [];
  let inExample = false;
  let fence: { ts: boolean; lines: string[] } | null = null;
  for (const line of lines) {
    if (fence) {
      if (/^\s*```\s*$/.test(line)) {
        if (inExample && fence.ts) sections[sections.length - 1].push(fence.lines.join('\n'));
        fence = null;
      } else {
        fence.lines.push(line);
      }
      continue;
    }
    const open = /^\s*```(\w*)/.exec(line);
    if (open) {
      fence = { ts: open[1] === 'ts' || open[1] === 'typescript', lines: [] };
      continue;
    }
    const tag = /^\s*@(\w+)/.exec(line);
    if (tag) {
      inExample = tag[1] === 'example';
      if (inExample) sections.push([]);
    }
  }
  return sections;
}

/** Every `@example` block in src/, with the declaration it documents. */
export function collectExamples(): DocExample[] {
  const out: DocExample[] = [];
  for (const file of sourceFiles(srcDir)) {
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node) => {
      for (const doc of (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? []) {
        const name = declarationName(node);
        for (const blocks of examplesOfComment(text.slice(doc.getStart(sf), doc.getEnd()))) {
          for (const code of blocks.length ? blocks : [null]) out.push({ where: `${path.relative(root, file)}: ${name}`, name, code });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

/**
 * The README's quick start: the ```ts block under its "## Quick start" heading, written as a
 * user's program (it imports from 'fastoptim'). Its last line's comment says what it prints.
 */
export function readmeQuickStart(): DocExample & { code: string } {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const match = /^## Quick start\n[\s\S]*?^```ts\n([\s\S]*?)^```/m.exec(readme);
  if (!match) throw new Error('README.md has no ```ts block under "## Quick start"');
  return { where: 'README.md: Quick start', name: 'README_quick_start', code: match[1].trimEnd() };
}

/** The public index's exports: name, and whether it is a value (class, function) or a type only. */
export function publicExports(): { name: string; value: boolean; kind: 'class' | 'function' | 'other'; hasExample: boolean; where: string }[] {
  const program = ts.createProgram([indexFile], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, noEmit: true });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(indexFile)!)!;
  return checker.getExportsOfModule(moduleSymbol).map((s) => {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    const decls = target.declarations ?? [];
    const kind = decls.some(ts.isClassDeclaration) ? 'class' : decls.some(ts.isFunctionDeclaration) ? 'function' : 'other';
    const hasExample = decls.some((d) => ts.getJSDocTags(d).some((t) => t.tagName.text === 'example'));
    const where = decls[0] ? path.relative(root, decls[0].getSourceFile().fileName) : '?';
    return { name: s.name, value: (target.flags & ts.SymbolFlags.Value) !== 0, kind, hasExample, where };
  });
}

export const examplesDir = path.join(root, 'node_modules', '.cache', 'fastoptim-doc-examples');

/** Writes each example as a module importing the public API; returns the files, in order. */
export function writeExampleModules(examples: (DocExample & { code: string })[]): string[] {
  rmSync(examplesDir, { recursive: true, force: true });
  mkdirSync(examplesDir, { recursive: true });
  // ES modules wherever they are run from (a folder in node_modules is CommonJS by default).
  writeFileSync(path.join(examplesDir, 'package.json'), '{ "type": "module" }\n');
  const exported = publicExports();
  const specifier = path.relative(examplesDir, path.join(srcDir, 'index.js')).split(path.sep).join('/');
  const importAll = `import { ${exported.map((e) => (e.value ? e.name : `type ${e.name}`)).join(', ')} } from '${specifier}';`;
  return examples.map((ex, i) => {
    const ownImports = /from\s+['"]fastoptim['"]/.test(ex.code);
    const body = ex.code.replace(/(from\s+)['"]fastoptim['"]/g, `$1'${specifier}'`);
    const file = path.join(examplesDir, `${String(i).padStart(3, '0')}-${ex.name.replace(/[^\w]+/g, '_')}.ts`);
    writeFileSync(file, `// ${ex.where}\n${ownImports ? '' : `${importAll}\n`}${body}\nexport {};\n`);
    return file;
  });
}

/** Type-checks the generated modules with the project's compiler options; returns the diagnostics per file. */
export function typeCheck(files: string[]): Map<string, string[]> {
  const configFile = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
  const byFile = new Map<string, string[]>(files.map((f) => [path.resolve(f), []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file ? path.resolve(d.file.fileName) : null;
    if (!file || !byFile.has(file)) continue;
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    byFile.get(file)!.push(`line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
  return byFile;
}
