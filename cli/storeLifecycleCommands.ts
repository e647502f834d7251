import { hostname, userInfo } from 'node:os';
import { $ZodError } from 'zod/v4/core';
import { OwnBucketError } from '../functions/service/admin/registerStore.js';
import {
  apiKeysOf,
  auditTrail,
  KeyNotFoundError,
  type LifecycleContext,
  NoSuchStoreError,
  removeStore,
  resumeStore,
  revokeApiKey,
  rotateApiKey,
  type StoreChanges,
  suspendStore,
  updateStore,
} from '../functions/service/admin/storeLifecycle.js';
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
import { storesRepo } from './storesRepo.js';
import type { Target } from './target.js';

/** Who acts, for the audit trail: TRACKDROP_ACTOR when set, else this machine's user. */
export const actor = (): string => process.env.TRACKDROP_ACTOR ?? `${userInfo().username}@${hostname()}`;

export const lifecycle = (target: Target): LifecycleContext => ({
  stores: storesRepo(target),
  actor: actor(),
  ownBuckets: [target.names.bucket],
});

/** Runs an action; the errors it can give are told as the CLI tells them (1 not found, 2 bad input). */
async function act<T>(target: Target, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof NoSuchStoreError)
      throw new CliError(`${err.message} in ${target.label} (\`trackdrop store list\` shows them)`);
    if (err instanceof KeyNotFoundError) throw new CliError(err.message);
    if (err instanceof $ZodError) throw new InvalidInputError(err.issues.map((i) => i.message).join('; '));
    if (err instanceof OwnBucketError) throw new InvalidInputError(err.message);
    throw err;
  }
}

const idHelp = '  <id>                       the store';

const rotateKey: Command = {
  name: 'store rotate-key',
  summary: 'a new API key; the old ones stay valid until revoked',
  description:
    'Gives a store a new API key and prints it, once. Its other keys keep working until\n`store revoke-key`, so the store can switch over without a failed call.',
  args: ['<id>'],
  synopsis: '<id> [--json]',
  optionHelp: [idHelp, '  --json                     print {storeId, keyId, apiKey} as JSON'],
  options: { ...jsonOption },
  async run({ target, values, args, out }: CommandInput) {
    const storeId = argAt(args, 0);
    const key = await act(target, () => rotateApiKey(lifecycle(target), storeId));
    if (values.json === true) printJson(out, { storeId, ...key });
    else
      out(
        [
          `New API key ${key.keyId} for store ${storeId}:`,
          '',
          `  ${key.apiKey}`,
          '',
          "It is not shown again. The store's other keys keep working until `trackdrop store revoke-key",
          `${storeId} <keyId>\`; \`trackdrop store keys ${storeId}\` lists them.`,
        ].join('\n'),
      );
    return 0;
  },
};

const keys: Command = {
  name: 'store keys',
  summary: "a store's API keys, by id (never the keys)",
  args: ['<id>'],
  synopsis: '<id> [--json]',
  optionHelp: [idHelp, jsonHelp],
  options: { ...jsonOption },
  async run({ target, values, args, out }) {
    const storeId = argAt(args, 0);
    const list = await act(target, () => apiKeysOf(lifecycle(target), storeId));
    if (values.json === true) printJson(out, list);
    else out(table(list, ['keyId', 'createdAt']));
    return 0;
  },
};

const revokeKey: Command = {
  name: 'store revoke-key',
  summary: 'revokes one API key (within 30 s everywhere)',
  description:
    "Revokes one of a store's API keys, by the id `store keys` shows. Calls with it answer 401 at\nonce where it was not looked up in the last 30 s, and everywhere after that. The store's last\nkey is kept unless --last is given.",
  args: ['<id>', '<keyId>'],
  synopsis: '<id> <keyId> [--last]',
  optionHelp: [
    idHelp,
    '  <keyId>                    the key, as `store keys` shows it',
    '  --last                     revoke it even when it is the only one (the store is locked out)',
  ],
  options: { last: { type: 'boolean', default: false } },
  async run({ target, values, args, out }) {
    const storeId = argAt(args, 0);
    const keyId = argAt(args, 1);
    await act(target, () => revokeApiKey(lifecycle(target), storeId, keyId, { allowNone: values.last === true }));
    out(`revoked API key ${keyId} of store ${storeId}`);
    return 0;
  },
};

const update: Command = {
  name: 'store update',
  summary: "changes a store's callback URL, allowlist, name or re-download",
  description:
    "Changes a store's settings; what is not given stays. --allow-origin replaces the whole\nallowlist (trackdrop's own bucket is still refused). Callbacks already queued go to the new\nURL once the functions have read it again (within 30 s).",
  args: ['<id>'],
  synopsis:
    '<id> [--callback-url <url>] [--allow-origin <origin> …] [--name <name>] [--redownload | --no-redownload] [--json]',
  optionHelp: [
    idHelp,
    '  --callback-url <url>       where callbacks go from now on (http:// or https://)',
    '  --allow-origin <origin>    the new allowlist, one flag per origin',
    '  --name <name>              display name',
    '  --redownload, --no-redownload',
    '                             whether purchased tracks are downloaded again',
    '  --json                     print the store as JSON',
  ],
  options: {
    'callback-url': { type: 'string' },
    'allow-origin': { type: 'string', multiple: true },
    name: { type: 'string' },
    redownload: { type: 'boolean' },
    'no-redownload': { type: 'boolean' },
    ...jsonOption,
  },
  check(values) {
    if (values.redownload === true && values['no-redownload'] === true)
      throw new UsageError('store update takes --redownload or --no-redownload, not both');
  },
  async run({ target, values, args, out }) {
    const storeId = argAt(args, 0);
    const changes: StoreChanges = {
      callbackUrl: typeof values['callback-url'] === 'string' ? values['callback-url'] : undefined,
      allowOrigins: Array.isArray(values['allow-origin']) ? values['allow-origin'].map(String) : undefined,
      name: typeof values.name === 'string' ? values.name : undefined,
      redownload: values.redownload === true ? true : values['no-redownload'] === true ? false : undefined,
    };
    const store = await act(target, () => updateStore(lifecycle(target), storeId, changes));
    if (values.json === true) printJson(out, store);
    else out(`updated store ${storeId}: callback ${store.callbackUrl}, origins ${store.allowOrigins.join(' ')}`);
    return 0;
  },
};

const suspend: Command = {
  name: 'store suspend',
  summary: 'suspends a store: 403 to its calls, its queued downloads held',
  description:
    'Suspends a store: every call with its keys answers 403 store_suspended, and its queued\ndownloads wait (looked at again every 15 minutes, never lost) until `store resume`.',
  args: ['<id>'],
  synopsis: '<id> [--reason <text>]',
  optionHelp: [idHelp, '  --reason <text>            why, for the audit trail'],
  options: { reason: { type: 'string' } },
  async run({ target, values, args, out }) {
    const storeId = argAt(args, 0);
    const reason = typeof values.reason === 'string' ? values.reason : '';
    const store = await act(target, () => suspendStore(lifecycle(target), storeId, reason));
    out(`suspended store ${storeId} at ${store.suspendedAt ?? ''}`);
    return 0;
  },
};

const resume: Command = {
  name: 'store resume',
  summary: 'resumes a suspended store',
  args: ['<id>'],
  synopsis: '<id>',
  optionHelp: [idHelp],
  options: {},
  async run({ target, args, out }) {
    const storeId = argAt(args, 0);
    await act(target, () => resumeStore(lifecycle(target), storeId));
    out(`resumed store ${storeId}: its held downloads go on within 15 minutes`);
    return 0;
  },
};

const remove: Command = {
  name: 'store remove',
  summary: "removes a store and its keys; its users' files stay",
  description:
    "Removes a store and its API keys. Its users' files, library rows and licenses stay: they are\nthe users' purchases. Tracks still queued for it end failed (E_ACCESSDENIED) with no callback.\nThe audit trail stays. --confirm must repeat the store id.",
  args: ['<id>'],
  synopsis: '<id> --confirm <id>',
  optionHelp: [idHelp, '  --confirm <id>             the same id again'],
  options: { confirm: { type: 'string' } },
  check(values, args) {
    if (values.confirm !== args[0]) throw new UsageError('store remove needs --confirm <id>, repeating the store id');
  },
  async run({ target, args, out }) {
    const storeId = argAt(args, 0);
    await act(target, () => removeStore(lifecycle(target), storeId));
    out(`removed store ${storeId} and its API keys; its users' files and library rows stay`);
    return 0;
  },
};

const audit: Command = {
  name: 'store audit',
  summary: 'what operators did to a store: who, what, when',
  args: ['<id>'],
  synopsis: '<id> [--json]',
  optionHelp: [idHelp, jsonHelp],
  options: { ...jsonOption },
  async run({ target, values, args, out }) {
    const entries = await auditTrail(lifecycle(target), argAt(args, 0));
    if (values.json === true) printJson(out, entries);
    else out(table([...entries], ['at', 'actor', 'action', 'detail']));
    return 0;
  },
};

export const storeLifecycleCommands: readonly Command[] = [
  rotateKey,
  keys,
  revokeKey,
  update,
  suspend,
  resume,
  remove,
  audit,
];
