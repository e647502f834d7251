import { parseArgs } from 'node:util';
import { startLocalStack } from '../infra/local/localStack.js';
import { startDemoStore } from './demoStore.js';
import { defaultDataDir, readSandboxState, writeSandboxState } from './sandboxState.js';
import { loadOrCreateSecretsKey } from './secretsKey.js';
import { walkthrough } from './walkthrough.js';

const HELP = `Usage: npm start -- [options]

Runs trackdrop on this machine: the AWS-compatible emulators, the API, the worker and
completion functions, and a demo store. Data persists in the data folder.

Options:
  --port <n>          API port (default 4000, or TRACKDROP_PORT)
  --store-port <n>    demo store port (default 4100)
  --data-dir <path>   where data persists (default ${defaultDataDir})
  --dynamodb <kind>   dynalite (default) or dynamodb-local (needs Java)
  --log-level <lvl>   DEBUG, INFO, WARN (default) or ERROR
  --lease <seconds>   how soon work of a killed sandbox is picked up again (default 30)
  -h, --help          this text`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.TRACKDROP_PORT ?? '4000' },
      'store-port': { type: 'string', default: '4100' },
      'data-dir': { type: 'string', default: defaultDataDir },
      dynamodb: { type: 'string', default: 'dynalite' },
      'log-level': { type: 'string', default: 'WARN' },
      lease: { type: 'string', default: '30' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const port = Number(values.port);
  const storePort = Number(values['store-port']);
  const dynamo = values.dynamodb;
  const lease = Number(values.lease);
  if (!Number.isInteger(port) || !Number.isInteger(storePort) || !(lease >= 2 && lease <= 43_200) || (dynamo !== 'dynalite' && dynamo !== 'dynamodb-local')) {
    console.error(`trackdrop: bad option\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  const dataDir = values['data-dir'];
  const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);

  const stack = await startLocalStack({ dataDir, dynamo, apiPort: port, logLevel: values['log-level'], leaseSeconds: lease, secretsKey: loadOrCreateSecretsKey(dataDir) });
  const saved = readSandboxState(dataDir);
  const demo = await startDemoStore(stack.stores, storePort, saved?.demoStore, log);
  writeSandboxState(dataDir, {
    apiUrl: stack.api.url,
    endpoints: stack.emulators.endpoints,
    names: stack.provisioned.names,
    dlqUrls: { downloads: stack.provisioned.queues.downloads.dlqUrl, completions: stack.provisioned.queues.completions.dlqUrl },
    demoStore: demo.credentials,
    pid: process.pid,
  });
  console.log(walkthrough({ apiUrl: stack.api.url, apiKey: demo.credentials.apiKey, originUrl: demo.server.originUrl, track: demo.catalog[0]!, dataDir, dynamo }));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      log('second signal: exiting now; unfinished tracks return to their queue');
      process.exit(130);
    }
    stopping = true;
    log(`${signal}: no new work; letting tracks in flight finish…`);
    await stack.stop();
    await demo.server.close();
    log('stopped. Start again with `npm start`: every session, file and library row is kept.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') console.error(`trackdrop: a port is in use (${e.message}). Is a sandbox already running? Try --port.`);
  else console.error('trackdrop: the sandbox could not start:', err);
  process.exit(1);
});
