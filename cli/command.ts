import type { ParseArgsOptionsConfig } from 'node:util';
import type { Target } from './target.js';

/** A bad command line: exit 2, with the command's usage on stderr. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The usage text to show with it; the global one when absent. */
    readonly usage?: string,
  ) {
    super(message);
  }
}

/** Arguments that parse but are not acceptable (e.g. a malformed origin): exit 2, one line. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
}

/** Not found, or the operation could not be done: exit 1, one line. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface CommandInput {
  readonly target: Target;
  readonly values: OptionValues;
  /** The command's own arguments, after its name (`store add <id>` → [id]). */
  readonly args: readonly string[];
  readonly out: (text: string) => void;
}

export interface Command {
  /** As typed: `store add`, `session`. */
  readonly name: string;
  /** One line for the global help. */
  readonly summary: string;
  /** A paragraph for the command's own help; the summary when absent. */
  readonly description?: string;
  /** Positional arguments, in order, e.g. `<id>`; all required. */
  readonly args: readonly string[];
  /** The synopsis after the name, e.g. `<id> --callback-url <url> …`. */
  readonly synopsis: string;
  /** The options' help lines, already indented. */
  readonly optionHelp?: readonly string[];
  readonly options: ParseArgsOptionsConfig;
  /** Resolved when the argument list is known to be well formed. */
  run(input: CommandInput): Promise<number>;
  /** Checks option values before a target is resolved (usage errors come first). */
  check?(values: OptionValues, args: readonly string[]): void;
}

/**
 * The command's i-th positional argument. main checks the count against `args` before `run`,
 * so a missing one is a bug in the command's declaration, not a usage error.
 */
export function argAt(args: readonly string[], i: number): string {
  const arg = args[i];
  if (arg === undefined) throw new Error(`positional argument ${i} missing; is it in the command's args?`);
  return arg;
}

export const jsonOption = { json: { type: 'boolean', default: false } } as const satisfies ParseArgsOptionsConfig;
export const jsonHelp = '  --json                     print JSON instead of a table';

export function printJson(out: (text: string) => void, value: unknown): void {
  out(JSON.stringify(value, null, 2));
}
