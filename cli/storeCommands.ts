import { $ZodError } from 'zod/v4/core';
import { normalizeOrigin } from '../functions/core/sourceUrl.js';
import type { Store } from '../functions/core/storedRecords.js';
import {
  OwnBucketError,
  type RegisteredStore,
  type RegisterStoreInput,
  registerStore,
  StoreExistsError,
} from '../functions/service/admin/registerStore.js';
import { rotateSigningSecret } from '../functions/service/admin/rotateSigningSecret.js';
import { audit } from '../functions/service/admin/storeLifecycle.js';
import { table } from '../tooling/render.js';
import {
  argAt,
  CliError,
  type Command,
  type CommandInput,
  InvalidInputError,
  jsonHelp,
  jsonOption,
  printJson,
  UsageError,
} from './command.js';
import { lifecycle } from './storeLifecycleCommands.js';
import { storesRepo } from './storesRepo.js';

const add: Command = {
  name: 'store add',
  summary: 'registers a store; prints its API key and secret, once',
  description:
    'Registers a store and prints its id, API key and callback signing secret. Both secrets are\nshown this once: trackdrop keeps only a hash of the key.',
  args: ['<id>'],
  synopsis:
    '<id> --callback-url <url> --allow-origin <origin> [--allow-origin <origin> …] [--name <name>] [--redownload]',
  optionHelp: [
    '  <id>                       2-63 of a-z 0-9 -, starting with a letter or digit',
    '  --callback-url <url>       where DownloadTrackComplete callbacks go (http:// or https://)',
    '  --allow-origin <origin>    an origin track URLs may point to: https://host[:port],',
    '                             http://host[:port] or s3://bucket; repeat for more',
    '  --name <name>              display name (default: the id)',
    '  --redownload               the store wants purchased tracks downloaded again',
    '                             (PurchasedTrackRequiresReDownload)',
    '  --json                     print {storeId, apiKey, signingSecret} as JSON',
  ],
  options: {
    'callback-url': { type: 'string' },
    'allow-origin': { type: 'string', multiple: true },
    name: { type: 'string' },
    redownload: { type: 'boolean', default: false },
    ...jsonOption,
  },
  check(values) {
    if (values['callback-url'] === undefined) throw new UsageError('store add needs --callback-url <url>');
    if (!Array.isArray(values['allow-origin']) || values['allow-origin'].length === 0) {
      throw new UsageError('store add needs at least one --allow-origin <origin>');
    }
  },
  async run({ target, values, args, out }: CommandInput) {
    const input: RegisterStoreInput = {
      storeId: argAt(args, 0),
      callbackUrl: values['callback-url'] as string,
      allowOrigins: values['allow-origin'] as string[],
      redownload: values.redownload === true,
      ...(typeof values.name === 'string' ? { name: values.name } : {}),
    };
    let reg: RegisteredStore;
    try {
      reg = await registerStore(storesRepo(target, { sealing: true }), input, { ownBuckets: [target.names.bucket] });
    } catch (err) {
      // The core class: what both zod and zod/mini schemas throw.
      if (err instanceof $ZodError)
        throw new InvalidInputError(err.issues.map((i) => describeIssue(i, input)).join('; '));
      if (err instanceof OwnBucketError) throw new InvalidInputError(err.message);
      if (err instanceof StoreExistsError)
        throw new CliError(
          `store ${input.storeId} exists already (in ${target.label}); pick another id, or \`store rotate-secret ${input.storeId}\` for a new signing secret`,
        );
      throw err;
    }
    await audit(
      lifecycle(target),
      reg.storeId,
      'add',
      `callback ${input.callbackUrl}, origins ${input.allowOrigins?.join(' ')}`,
    );
    if (values.json === true) {
      printJson(out, reg);
      return 0;
    }
    out(
      [
        `Registered store ${reg.storeId} in ${target.label}.`,
        '',
        `  store id        ${reg.storeId}`,
        `  API key         ${reg.apiKey}`,
        `  signing secret  ${reg.signingSecret}`,
        '',
        'Give both to the store now: they are not shown again (trackdrop keeps only a hash of the',
        'API key). The store sends `Authorization: Bearer <API key>` to',
        `${target.apiUrl} and verifies callbacks' Trackdrop-Signature with the signing secret.`,
      ].join('\n'),
    );
    return 0;
  },
};

/** One issue of the registration schema, named by the flag that carried it. */
function describeIssue(issue: $ZodError['issues'][number], input: RegisterStoreInput): string {
  switch (issue.path[0]) {
    case 'storeId':
      return `store id '${input.storeId}': ${issue.message.replace(/^store id: /, '')}`;
    case 'callbackUrl':
      return `--callback-url '${input.callbackUrl}': not an http:// or https:// URL`;
    case 'allowOrigins': {
      const bad = (input.allowOrigins ?? []).filter((o) => normalizeOrigin(o) === undefined);
      return `--allow-origin ${bad.map((o) => `'${o}'`).join(', ')}: ${issue.message}`.replace(
        '--allow-origin : ',
        '--allow-origin: ',
      );
    }
    case 'name':
      return `--name: ${issue.message}`;
    default:
      return `${issue.path.join('.') || 'input'}: ${issue.message}`;
  }
}

const list: Command = {
  name: 'store list',
  summary: 'the registered stores (never their secrets)',
  args: [],
  synopsis: '[--json]',
  optionHelp: [jsonHelp],
  options: { ...jsonOption },
  async run({ target, values, out }) {
    const stores = (await storesRepo(target).list()).map(publicView);
    if (values.json === true) printJson(out, stores);
    else
      out(
        table(
          stores.map((s) => ({ ...s, allowOrigins: s.allowOrigins.join(' ') })),
          ['storeId', 'name', 'callbackUrl', 'allowOrigins', 'redownload', 'createdAt'],
        ),
      );
    return 0;
  },
};

/** What a listing shows of a store: its signing secrets are sealed and never read here. */
function publicView(s: Store): Store {
  return s;
}

const rotateSecret: Command = {
  name: 'store rotate-secret',
  summary: 'a new callback signing secret; the previous stays valid',
  description:
    'Gives a store a new callback signing secret and prints it, once. Callbacks carry a signature\nfor the new and for the previous secret until the next rotation, so the store can switch over\nat its own pace.',
  args: ['<id>'],
  synopsis: '<id> [--json]',
  optionHelp: [
    '  <id>                       the store',
    '  --json                     print {storeId, signingSecret} as JSON',
  ],
  options: { ...jsonOption },
  async run({ target, values, args, out }) {
    const storeId = argAt(args, 0);
    const rotated = await rotateSigningSecret(storesRepo(target, { sealing: true }), storeId);
    if (!rotated) throw new CliError(`no store ${storeId} in ${target.label} (\`trackdrop store list\` shows them)`);
    await audit(lifecycle(target), storeId, 'rotate-secret', 'a new signing secret; the previous one stays active');
    if (values.json === true) {
      printJson(out, rotated);
      return 0;
    }
    out(
      [
        `New signing secret for store ${storeId}:`,
        '',
        `  ${rotated.signingSecret}`,
        '',
        'It is not shown again. Callbacks are signed with it and with the previous secret (one v1= each)',
        'until the next rotation, so the store can switch over at its own pace; the previous secret',
        'stops being used at the next `store rotate-secret`.',
      ].join('\n'),
    );
    return 0;
  },
};

export const storeCommands: readonly Command[] = [add, list, rotateSecret];
