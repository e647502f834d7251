import { parseArgs } from 'node:util';
import { defaultSettings } from '../functions/settings.js';
import { createStoreClient } from '../packages/store-client/src/index.js';
import { defaultDataDir, readSandboxState, writeSandboxState } from '../tooling/sandboxState.js';
import { DataDirInUseError, lockDataDir } from './dataDirLock.js';
import { startDemoSession } from './demoSession.js';
import { openDemoOrigin, registerDemoStore } from './demoStore.js';
import { startLockerServer } from './lockerServer.js';
import { startAsDeployedRuntime, startSourceRuntime } from './startRuntime.js';
import { walkthrough } from './walkthrough.js';

const HELP = `Usage: npm start -- [options]

Runs trackdrop on this machine: the AWS-compatible emulators, the API, the worker and
completion functions, and a demo store. Data persists in the data folder.

Options:
  --port <n>          API port (default 4000, or TRACKDROP_PORT)
  --store-port <n>    demo store port (default 4100)
  --locker-port <n>   locker page port (default 4200)
  --issuer-port <n>   local identity provider port (default 4300)
  --data-dir <path>   where data persists (default ${defaultDataDir})
  --dynamodb <kind>   dynalite (default) or dynamodb-local (needs Java)
  --log-level <lvl>   DEBUG, INFO, WARN (default) or ERROR
  --lease <seconds>   how soon work of a killed sandbox or function is picked up again (default 30;
                      deployed, the worker holds its batch for 60 s at a time)
  --erasure-settle <seconds>
                      how long a user's erasure waits before it deletes (default: the longest
                      function timeout and 30 s, 330 s, as deployed; shorter to try it quickly)
  --as-deployed       run what \`cdk synth\` produces instead of the sources: the bundles in
                      Node.js 24 containers, the template's environment, routes, event
                      sources and IAM policies (every refused request is printed)
  -h, --help          this text`;

/** Signals within this long of the first are copies of it (see shutdown). */
const sameSignalMs = 1_000;

/** The listener the sandbox fills a library for, and offers at the locker's sign-in. */
const demoUser = 'demo-user';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.TRACKDROP_PORT ?? '4000' },
      'store-port': { type: 'string', default: '4100' },
      'locker-port': { type: 'string', default: '4200' },
      'issuer-port': { type: 'string', default: '4300' },
      'data-dir': { type: 'string', default: defaultDataDir },
      dynamodb: { type: 'string', default: 'dynalite' },
      'log-level': { type: 'string', default: 'WARN' },
      lease: { type: 'string', default: '30' },
      'erasure-settle': { type: 'string' },
      'as-deployed': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const port = Number(values.port);
  const storePort = Number(values['store-port']);
  const lockerPort = Number(values['locker-port']);
  const issuerPort = Number(values['issuer-port']);
  const dynamo = values.dynamodb;
  const lease = Number(values.lease);
  const settle = values['erasure-settle'] === undefined ? undefined : Number(values['erasure-settle']);
  if (
    ![port, storePort, lockerPort, issuerPort].every(Number.isInteger) ||
    !(lease >= 2 && lease <= 43_200) ||
    (settle !== undefined && !(Number.isInteger(settle) && settle >= 0 && settle <= 86_400)) ||
    (dynamo !== 'dynalite' && dynamo !== 'dynamodb-local')
  ) {
    console.error(`trackdrop: bad option\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  const dataDir = values['data-dir'];
  const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);

  // Before anything opens the folder's files: a second sandbox on it says so and stops here.
  const lock = lockDataDir(dataDir);
  process.on('exit', () => lock.release());
  const asDeployed = values['as-deployed'];
  // The page's origin first: the API's CORS configuration names it.
  const locker = await startLockerServer({ port: lockerPort });
  // The origin before the functions: a restart's queued tracks are fetched from it at once.
  const origin = await openDemoOrigin(storePort);
  const start = asDeployed ? startAsDeployedRuntime : startSourceRuntime;
  // A function whose thread died stops the sandbox, as a crash would; a restart takes up its work.
  let functionDied = (name: string, err: Error): void => {
    log(`${name} stopped: ${err.message}`);
    process.exit(1);
  };
  const onFunctionDied = (name: string, err: Error) => functionDied(name, err);
  const stack = await start({
    dataDir,
    dynamo,
    port,
    logLevel: values['log-level'],
    leaseSeconds: lease,
    erasureSettleSeconds: settle,
    log,
    issuerPort,
    lockerOrigins: [locker.url],
    onFunctionDied,
  });
  log(
    `lease ${lease} s (--lease; deployed, the worker's is ${defaultSettings.downloadLease.leaseSeconds} s): ` +
      'what a killed sandbox or function was working on comes back that soon',
  );
  if (stack.issuerUrl) locker.configure({ apiUrl: stack.apiUrl, issuerUrl: stack.issuerUrl, users: [demoUser] });
  // The demo store's credentials are per mode: each mode has its own tables.
  const saved = readSandboxState(dataDir);
  const demo = await registerDemoStore(
    stack.stores,
    origin,
    saved?.names.tables.stores === stack.names.tables.stores ? saved.demoStore : undefined,
    log,
  );
  writeSandboxState(dataDir, {
    apiUrl: stack.apiUrl,
    ...(stack.issuerUrl ? { issuerUrl: stack.issuerUrl } : {}),
    lockerUrl: locker.url,
    endpoints: stack.endpoints,
    names: stack.names,
    dlqUrls: stack.dlqUrls,
    demoStore: demo.credentials,
    ...(stack.deployed ? { deployed: stack.deployed } : {}),
    pid: process.pid,
  });
  const [firstTrack] = demo.catalog;
  if (!firstTrack) throw new Error('the demo catalogue is empty');
  console.log(
    walkthrough({
      apiUrl: stack.apiUrl,
      lockerUrl: locker.url,
      outputsFile: stack.deployed?.outputsFile,
      demoUser,
      apiKey: demo.credentials.apiKey,
      originUrl: demo.server.originUrl,
      track: firstTrack,
      dataDir,
      dynamo,
    }),
  );
  // A data folder's first start gives the demo user a library to look at in the locker (once:
  // a restart finishes that purchase rather than making another).
  if (!saved?.demoStore && !(await stack.hasLibrary(demoUser))) {
    const client = createStoreClient({ baseUrl: stack.apiUrl, apiKey: demo.credentials.apiKey });
    startDemoSession(client, demo.server.originUrl, demoUser, 10).then(
      () => log(`demo store sold 10 tracks to ${demoUser}: watch them arrive in the locker`),
      (err: unknown) =>
        log(`demo purchase for ${demoUser} failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  let stoppingSince: number | undefined;
  const shutdown = async (signal: string, exitCode = 0) => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C arrives more than once: from the terminal to the whole process group, and
      // relayed by `npm start`. Copies that close together are the same press.
      if (Date.now() - stoppingSince < sameSignalMs) return;
      log('second signal: exiting now; unfinished tracks return to their queue');
      process.exit(130);
    }
    stoppingSince = Date.now();
    log(`${signal}: no new work; letting tracks in flight finish…`);
    await stack.stop();
    await demo.server.close();
    await locker.close();
    log('stopped. Start again with `npm start`: every session, file and library row is kept.');
    process.exit(exitCode);
  };
  functionDied = (name, err) => {
    log(`${name} stopped: ${err.message}; stopping the sandbox (unfinished tracks return to their queue)`);
    void shutdown('a function stopped', 1);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof DataDirInUseError) console.error(`trackdrop: ${err.message}.`);
  else if (e.code === 'EADDRINUSE')
    console.error(`trackdrop: a port is in use (${e.message}). Is a sandbox already running? Try --port.`);
  else console.error('trackdrop: the sandbox could not start:', err);
  process.exit(1);
});
