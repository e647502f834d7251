import { type FromEnvInit, fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * What the bundled SDK clients get in place of `@aws-sdk/credential-provider-node` (an esbuild
 * alias, infra/cdk/bundling.ts): Lambda hands a function its role's credentials in the
 * environment, so the node chain's ini files, SSO, STS web identity and the instance metadata
 * service (about 110 kB of each bundle) can never answer first and only cost init time.
 */
export const defaultProvider = (init: FromEnvInit = {}) => fromEnv(init.logger ? { logger: init.logger } : {});
