import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { ZodError } from 'zod';
import { configSchema, type ConfigDocument } from './schema';

/** One problem in a config file, with the dotted path of the value at fault ('' for the root). */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(`${source}: ${problems.length} problem(s)\n${problems.map((p) => `  ${p.path || '(root)'}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The validated document plus the directory relative file references resolve against. */
export interface LoadedConfig {
  readonly document: ConfigDocument;
  readonly baseDir: string;
  readonly source: string;
}

/** Parses YAML text and validates it, reporting every problem at once (YAML syntax or schema). */
export function parseConfigText(text: string, source: string): LoadedConfig {
  const lineCounter = new LineCounter();
  const yamlDocument = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  if (yamlDocument.errors.length > 0) {
    throw new ConfigError(
      source,
      yamlDocument.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return { path: '', message: `YAML ${e.code} at line ${line}, column ${col}: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  const result = configSchema.safeParse(yamlDocument.toJS() ?? {});
  if (!result.success) throw new ConfigError(source, zodProblems(result.error));
  return { document: result.data, baseDir: path.dirname(path.resolve(source)), source };
}

export function loadConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [{ path: '', message: `cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}` }]);
  }
  return parseConfigText(text, file);
}

function zodProblems(error: ZodError): ConfigProblem[] {
  return error.issues.map((issue) => {
    const base = issue.path.map(String).join('.');
    // An unknown key is reported on its parent object; name the key itself so the fix is obvious.
    if (issue.code === 'unrecognized_keys') {
      return { path: base, message: `unknown key(s): ${issue.keys.join(', ')}` };
    }
    return { path: base, message: issue.message };
  });
}
