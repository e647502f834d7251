import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { defaultDataDir } from '../tooling/sandboxState.js';
import { CliError, type Command, InvalidInputError, type OptionValues, UsageError } from './command.js';
import { dlqCommands } from './dlqCommands.js';
import { libraryCommand } from './libraryCommand.js';
import { sessionCommand } from './sessionCommand.js';
import { storeCommands } from './storeCommands.js';
import { storeLifecycleCommands } from './storeLifecycleCommands.js';
import { resolveTarget, type Target } from './target.js';
import { tokenCommand } from './tokenCommand.js';
import { userCommands } from './userCommands.js';

const commands: readonly Command[] = [
  ...storeCommands,
  ...storeLifecycleCommands,
  sessionCommand,
  libraryCommand,
  ...userCommands,
  ...dlqCommands,
  tokenCommand,
];
const groups = [
  ...new Set(commands.filter((c) => c.name.includes(' ')).map((c) => c.name.slice(0, c.name.indexOf(' ')))),
];

const globalOptions = {
  'data-dir': { type: 'string' },
  outputs: { type: 'string' },
  stack: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsOptionsConfig;

const globalHelp = [
  'Where to act (default: the sandbox `npm start` runs from this folder):',
  `  --data-dir <dir>           the sandbox whose data folder this is (default ${defaultDataDir})`,
  '  --outputs <file>           a deployed stack instead: the JSON `cdk deploy --outputs-file <file>`',
  '                             wrote; AWS credentials and account come from the default chain',
  '  --stack <name>             the stack to use when the outputs file holds several',
  '  -h, --help                 help (also after any command)',
];

const col = Math.max(...commands.map((c) => c.name.length)) + 2;

const usage = [
  'Usage: trackdrop <command> [arguments] [options]',
  '',
  'The operator CLI of trackdrop: stores, sessions, libraries, erasures and dead-letter queues, in the',
  'local sandbox or a deployed stack.',
  '',
  'Commands:',
  ...commands.map((c) => `  ${c.name.padEnd(col)}${c.summary}`),
  '',
  ...globalHelp,
  '',
  '`trackdrop <command> --help` describes a command. Exit codes: 0 done, 1 not found or failed,',
  '2 bad usage. TRACKDROP_DEBUG=1 prints stack traces.',
].join('\n');

function commandUsage(c: Command): string {
  const description = c.description ?? `${c.summary.charAt(0).toUpperCase()}${c.summary.slice(1)}.`;
  const own = c.optionHelp && c.optionHelp.length > 0 ? [...c.optionHelp, ''] : [];
  return [`Usage: trackdrop ${c.name} ${c.synopsis}`, '', description, '', ...own, ...globalHelp].join('\n');
}

function groupUsage(group: string): string {
  const members = commands.filter((c) => c.name.startsWith(`${group} `));
  return [
    `Usage: trackdrop ${group} <${members.map((c) => c.name.slice(group.length + 1)).join('|')}> …`,
    '',
    ...members.map((c) => `  trackdrop ${c.name} ${c.synopsis}\n      ${c.summary}`),
    '',
    `\`trackdrop ${group} <command> --help\` describes one.`,
  ].join('\n');
}

interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

/** Runs one command line; the exit code comes back, nothing throws. */
async function run(argv: readonly string[], io: Io): Promise<number> {
  let target: Target | undefined;
  try {
    const found = findCommand(argv);
    if (found.kind === 'help') {
      io.out(found.text);
      return 0;
    }
    const { command } = found;
    const parsed = parse(argv, { ...globalOptions, ...command.options }, commandUsage(command));
    if (parsed.values.help === true) {
      io.out(commandUsage(command));
      return 0;
    }
    const args = parsed.positionals.slice(command.name.split(' ').length);
    if (args.length < command.args.length) {
      throw new UsageError(`${command.name} needs ${command.args.slice(args.length).join(' ')}`, commandUsage(command));
    }
    if (args.length > command.args.length) {
      throw new UsageError(
        `${command.name}: unexpected argument '${args[command.args.length]}'`,
        commandUsage(command),
      );
    }
    try {
      command.check?.(parsed.values, args);
    } catch (err) {
      if (err instanceof UsageError && err.usage === undefined)
        throw new UsageError(err.message, commandUsage(command));
      throw err;
    }
    if (parsed.values.outputs !== undefined && parsed.values['data-dir'] !== undefined) {
      throw new UsageError('--outputs and --data-dir pick different targets: give one', commandUsage(command));
    }
    target = resolveTarget({
      dataDir: parsed.values['data-dir'] as string | undefined,
      outputs: parsed.values.outputs as string | undefined,
      stack: parsed.values.stack as string | undefined,
    });
    return await command.run({ target, values: parsed.values, args, out: io.out });
  } catch (err) {
    return report(err, io, target);
  } finally {
    target?.close();
  }
}

type Found = { kind: 'help'; text: string } | { kind: 'command'; command: Command };

/** Finds the command from the positional words; usage errors for anything else. */
function findCommand(argv: readonly string[]): Found {
  // A lenient first pass that knows every option, so option values are not taken for words.
  const all = Object.assign({}, globalOptions, ...commands.map((c) => c.options)) as ParseArgsOptionsConfig;
  const { values, positionals } = parseArgs({ args: [...argv], options: all, strict: false, allowPositionals: true });
  const help = values.help === true;
  const words = positionals[0] === 'help' ? positionals.slice(1) : positionals;
  const wantsHelp = help || positionals[0] === 'help';
  const [first, second] = words;
  if (first === undefined) {
    if (wantsHelp) return { kind: 'help', text: usage };
    throw new UsageError('no command given');
  }
  if (groups.includes(first)) {
    if (second === undefined) {
      if (wantsHelp) return { kind: 'help', text: groupUsage(first) };
      throw new UsageError(`${first} needs a command`, groupUsage(first));
    }
    const command = commands.find((c) => c.name === `${first} ${second}`);
    if (!command) throw new UsageError(`unknown command '${first} ${second}'`, groupUsage(first));
    return positionals[0] === 'help' ? { kind: 'help', text: commandUsage(command) } : { kind: 'command', command };
  }
  const command = commands.find((c) => c.name === first);
  if (!command) throw new UsageError(`unknown command '${first}'`);
  return positionals[0] === 'help' ? { kind: 'help', text: commandUsage(command) } : { kind: 'command', command };
}

function parse(
  argv: readonly string[],
  options: ParseArgsOptionsConfig,
  usageText: string,
): { values: OptionValues; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
    return { values: values as OptionValues, positionals };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('ERR_PARSE_ARGS')) throw new UsageError(firstSentence((err as Error).message), usageText);
    throw err;
  }
}

/** Node's parseArgs messages go on to explain `--`; the first sentence is the news. */
function firstSentence(message: string): string {
  const cut = message.search(/\.\s/);
  return cut === -1 ? message : message.slice(0, cut + 1);
}

function report(err: unknown, io: Io, target: Target | undefined): number {
  const debug = io.env.TRACKDROP_DEBUG === '1';
  if (err instanceof UsageError) {
    io.err(`trackdrop: ${err.message}\n\n${err.usage ?? usage}`);
    return 2;
  }
  if (err instanceof InvalidInputError) {
    io.err(`trackdrop: ${err.message}`);
    return 2;
  }
  if (err instanceof CliError) {
    io.err(`trackdrop: ${err.message}`);
    if (debug) io.err(String(err.stack));
    return 1;
  }
  io.err(`trackdrop: ${describeFailure(err, target)}`);
  if (debug) io.err(err instanceof Error ? String(err.stack) : String(err));
  else io.err('(TRACKDROP_DEBUG=1 shows the details)');
  return 1;
}

/** An unexpected failure in one line: what AWS or the network said, and a hint where one helps. */
function describeFailure(err: unknown, target: Target | undefined): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as NodeJS.ErrnoException & { $metadata?: { httpStatusCode?: number } };
  const codes = [
    e.code,
    (e.cause as NodeJS.ErrnoException | undefined)?.code,
    ...(err instanceof AggregateError ? err.errors.map((x: NodeJS.ErrnoException) => x.code) : []),
  ];
  if (codes.some((c) => c === 'ECONNREFUSED' || c === 'ECONNRESET')) {
    return target?.kind === 'sandbox'
      ? `cannot reach the emulators of ${target.label} (${e.message || e.code}). Is the sandbox still running? Start it with \`npm start\`.`
      : `cannot reach AWS (${e.message || e.code})`;
  }
  if (e.name === 'CredentialsProviderError')
    return `no AWS credentials: ${e.message} (set AWS_PROFILE, run \`aws sso login\`, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)`;
  if (
    e.name === 'ResourceNotFoundException' ||
    e.name === 'QueueDoesNotExist' ||
    e.name === 'AWS.SimpleQueueService.NonExistentQueue'
  ) {
    return `${e.name}: ${e.message} — does ${target?.label ?? 'the target'} still exist?`;
  }
  return `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`;
}

const code = await run(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
});
process.exitCode = code;
