import { userIdSchema } from '../functions/core/schemas.js';
import { mintToken, readIssuerKey } from '../infra/local/localIssuer.js';
import { argAt, CliError, type Command, InvalidInputError, UsageError } from './command.js';

export const tokenCommand: Command = {
  name: 'token',
  summary: "a listener's token for the sandbox's listener API (/v1/me/…)",
  description:
    "Mints a JWT for <userId> with the sandbox's local issuer, as a locker's identity provider would after sign-in:\n" +
    "send it as `Authorization: Bearer <token>` to /v1/me/…. On AWS, tokens come from the stack's\n" +
    'identity provider (the ListenerIssuer output), never from this command.',
  args: ['<userId>'],
  synopsis: '<userId> [--ttl <seconds>] [--scope <scope> …]',
  optionHelp: [
    "  <userId>                   the listener (the token's sub)",
    '  --ttl <seconds>            how long the token is valid (default 3600, at most 86400)',
    '  --scope <scope>            a scope to put in the token (repeatable)',
  ],
  options: { ttl: { type: 'string' }, scope: { type: 'string', multiple: true } },
  check(values, args) {
    if (args[0] === '') throw new UsageError('token needs a non-empty <userId>');
    if (!userIdSchema.safeParse(args[0]).success)
      throw new InvalidInputError('userId must be 1-128 of A-Z a-z 0-9 . _ - and not only dots');
    if (values.ttl !== undefined && !/^\d{1,5}$/.test(String(values.ttl)))
      throw new UsageError('--ttl must be a number of seconds');
    if (values.ttl !== undefined && (Number(values.ttl) < 1 || Number(values.ttl) > 86_400))
      throw new UsageError('--ttl must be 1-86400');
  },
  async run({ target, values, args, out }) {
    if (!target.localIssuer) {
      throw new CliError(
        `${target.label} has no local issuer: listener tokens come from the locker's identity provider (the stack's ListenerIssuer output)`,
      );
    }
    const key = await readIssuerKey(target.localIssuer.dataDir);
    if (!key) throw new CliError(`no issuer key in ${target.localIssuer.dataDir}; restart the sandbox to create one`);
    const scopes = Array.isArray(values.scope) ? values.scope.filter((s): s is string => typeof s === 'string') : [];
    out(
      await mintToken(key, target.localIssuer.url, argAt(args, 0), {
        ttlSeconds: values.ttl === undefined ? 3600 : Number(values.ttl),
        scopes,
      }),
    );
    return 0;
  },
};
