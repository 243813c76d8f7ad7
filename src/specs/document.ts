/**
 * A YAML spec file as users write it for `az ml ... create -f`, kept with its source positions
 * so every error can name the file, line and column of the field it is about.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { ConfigurationError } from '../core/errors.js';

export type SpecPath = ReadonlyArray<string | number>;

export interface SpecLocation {
  file: string;
  line?: number;
  column?: number;
}

export class SpecDocument {
  private constructor(
    /** Path as given (relative to the workspace), used in messages and annotations. */
    readonly file: string,
    /** The plain value of the document. */
    readonly value: unknown,
    private readonly doc: ReturnType<typeof parseDocument>,
    private readonly lines: LineCounter,
    /** Name of the action input that pointed at this file. */
    readonly input?: string,
  ) {}

  /** Parses YAML text; a syntax error becomes a ConfigurationError with the line and column. */
  static parse(text: string, file: string, input?: string): SpecDocument {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
    const problem = doc.errors[0];
    if (problem) {
      const pos = problem.linePos?.[0];
      const firstLine = problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw new ConfigurationError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: invalid YAML: ${firstLine}`, {
        input,
        file,
        line: pos?.line,
        column: pos?.col,
      });
    }
    return new SpecDocument(file, doc.toJS({ maxAliasCount: 100 }), doc, lines, input);
  }

  /** Reads and parses a file; a missing file is a ConfigurationError naming the input. */
  static load(path: string, displayName: string, input?: string): SpecDocument {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a YAML file' : `cannot be read (${code})`;
      throw new ConfigurationError(`${input ? `input '${input}': ` : ''}${displayName} ${why}`, {
        input,
        hint: 'give a path relative to the repository root (GITHUB_WORKSPACE)',
      });
    }
    return SpecDocument.parse(text, displayName, input);
  }

  /** The same file with a changed value (after overrides); positions still point into the file. */
  withValue(value: unknown): SpecDocument {
    return new SpecDocument(this.file, value, this.doc, this.lines, this.input);
  }

  /** The source position of a field (its key when it has one, else its value). */
  locate(path: SpecPath): SpecLocation {
    let node: unknown = this.doc.contents;
    let keyNode: YamlNode | undefined;
    for (const part of path) {
      keyNode = undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(part));
        if (!pair) break;
        keyNode = isScalar(pair.key) ? pair.key : undefined;
        node = pair.value;
      } else if (isSeq(node) && typeof part === 'number') {
        node = node.items[part];
      } else {
        break;
      }
    }
    const range = keyNode?.range ?? (node as YamlNode | undefined)?.range;
    if (!range) return { file: this.file };
    const pos = this.lines.linePos(range[0]);
    return { file: this.file, line: pos.line, column: pos.col };
  }

  /** A ConfigurationError about a field, positioned at it. */
  error(path: SpecPath, message: string, hint?: string): ConfigurationError {
    const at = this.locate(path);
    const where = at.line ? `${at.file}:${at.line}:${at.column}` : at.file;
    const field = path.length > 0 ? ` '${formatPath(path)}'` : '';
    return new ConfigurationError(`${where}:${field} ${message}`.replace(/: +/, ': '), {
      input: this.input,
      file: at.file,
      line: at.line,
      column: at.column,
      hint,
    });
  }
}

/** `jobs.train.inputs.x` / `search_space.B.values[0]` */
export function formatPath(path: SpecPath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}
