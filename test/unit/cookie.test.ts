import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newCookie } from '../../functions/core/apiKey.js';
import { cookieSchema } from '../../functions/core/schemas.js';

test('a session cookie starts with a letter, so a command line takes it as it is, and is one the API accepts', () => {
  // One in 64 random base64url strings starts with "-": 2,000 cookies would show it.
  const cookies = Array.from({ length: 2000 }, newCookie);
  for (const c of cookies) {
    assert.match(c, /^[A-Za-z]/);
    assert.ok(cookieSchema.safeParse(c).success, c);
  }
  assert.equal(new Set(cookies).size, cookies.length);
});
