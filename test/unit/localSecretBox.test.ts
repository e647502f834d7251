import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { LocalSecretBox } from '../../functions/adapters/secrets/localSecretBox.js';

test('a sealed secret opens only with the same key and the same store id', async () => {
  const box = new LocalSecretBox(randomBytes(32));
  const sealed = await box.seal('whsec_abc', { storeId: 's1' });
  assert.ok(!sealed.includes('whsec_abc'));
  assert.equal(await box.open(sealed, { storeId: 's1' }), 'whsec_abc');
  await assert.rejects(box.open(sealed, { storeId: 's2' }), 'bound to its store');
  await assert.rejects(
    new LocalSecretBox(randomBytes(32)).open(sealed, { storeId: 's1' }),
    'another key cannot open it',
  );
  const raw = Buffer.from(sealed.slice(6), 'base64');
  raw[raw.length - 1]! ^= 1;
  await assert.rejects(box.open(`local:${raw.toString('base64')}`, { storeId: 's1' }), 'tampering is detected');
  assert.notEqual(await box.seal('whsec_abc', { storeId: 's1' }), sealed, 'a fresh nonce every time');
});
