import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { readResult, root, unitsBlock, unitsDoc, unitsTable } from '../../bench/unitsTable.js';

/**
 * docs/scale.md's units per track are the ones the benchmark run it names measured, and their
 * totals are what that run's cost model priced: the figures are written once, not retyped.
 */
test('the units-per-track table in docs/scale.md is the one its named benchmark run gives', async () => {
  const block = unitsBlock(await readFile(unitsDoc, 'utf8'));
  assert.ok(block, 'docs/scale.md has the units-per-track markers');
  const result = await readResult(join(root, block.source));
  assert.equal(block.table, unitsTable(result), `regenerate with: npm run bench:units -- ${block.source}`);

  for (const path of ['s3', 'https'] as const) {
    const units = Object.values(result.sections.requests[path].code.billing.dynamodbUnits);
    const sum = (k: 'read' | 'write') => units.reduce((s, u) => s + u[k], 0);
    const priced = result.sections.cost[path].inputs;
    assert.ok(Math.abs(sum('write') - priced.dynamodbWriteUnits) < 1e-9, `${path}: write units priced`);
    assert.ok(Math.abs(sum('read') - priced.dynamodbReadUnits) < 1e-9, `${path}: read units priced`);
  }
});
