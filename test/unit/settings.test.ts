import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settingsForStage } from '../../functions/settings.js';

test('a recount waits out every invocation between its two walks, within what SQS can delay', () => {
  for (const stage of ['dev', 'prod'] as const) {
    const s = settingsForStage(stage);
    const longest = Math.max(...Object.values(s.functions).map((f) => f.timeoutSeconds));
    assert.ok(
      s.limits.recountSettleSeconds >= longest,
      `${stage}: settle ${s.limits.recountSettleSeconds} s < longest timeout ${longest} s`,
    );
    assert.ok(s.limits.recountSettleSeconds <= 900, `${stage}: SQS delays at most 900 s`);
  }
});
