import { parseArgs } from 'node:util';
import { table } from '../../tooling/render.js';
import { runChaos } from './chaosRun.js';

const HELP = `Usage: npm run chaos -- [options]

Runs trackdrop on local emulators under injected faults — S3 and DynamoDB throttling, origin
errors, stalls and cut bodies, wrong checksums, missing licenses, a cancelled session and the
store's callback endpoint down for a while — then checks that no track was lost or duplicated
and that every store callback arrived once per outcome. Exits 1 when a must-be-0 figure is not 0.

Options:
  --tracks <n>   tracks to send (default 300)
  --seed <s>     PRNG seed, to replay a run (default: random, printed)
  --quick        a small run (40 tracks, shorter waits)
  -h, --help     this text`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      tracks: { type: 'string' },
      seed: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const tracks = values.tracks === undefined ? undefined : Number(values.tracks);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (
    (tracks !== undefined && !(Number.isInteger(tracks) && tracks >= 1 && tracks <= 5000)) ||
    (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32))
  ) {
    console.error(`chaos: bad option\n\n${HELP}`);
    return 2;
  }
  const result = await runChaos({ tracks, seed, quick: values.quick, log: (line) => console.log(line) });
  console.log('');
  console.log(table(result.rows, ['figure', 'value', 'check']));
  console.log('');
  for (const f of result.failures) {
    console.log(`${f.figure}:`);
    for (const p of f.problems.slice(0, 10)) console.log(`  ${p}`);
    if (f.problems.length > 10) console.log(`  … and ${f.problems.length - 10} more`);
  }
  console.log(
    `seed ${result.seed}: ${result.ok ? 'passed' : 'FAILED'} in ${result.seconds.toFixed(1)} s (replay: npm run chaos -- --seed ${result.seed}${tracks !== undefined ? ` --tracks ${tracks}` : values.quick ? ' --quick' : ''})`,
  );
  return result.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
