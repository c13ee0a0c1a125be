// The daily quota as the official `openai` npm client sees it: within the limit a call succeeds; over it the client
// throws its RateLimitError (status 429) carrying our message and code — streamed or not, and with an invalid key an
// AuthenticationError. Env: BASE_URL (…/v1), API_KEY (an account whose daily limit is 1), MODEL.
import OpenAI from 'openai';
import assert from 'node:assert/strict';

const { BASE_URL, API_KEY, MODEL } = process.env;
if (!BASE_URL || !API_KEY || !MODEL) {
  console.error('usage: BASE_URL=… API_KEY=… MODEL=… node quota-429.mjs');
  process.exit(2);
}
// maxRetries 0: the client would otherwise retry a 429 after Retry-After (hours away, until local midnight).
const client = new OpenAI({ baseURL: BASE_URL, apiKey: API_KEY, maxRetries: 0, timeout: 60000 });
const request = { model: MODEL, messages: [{ role: 'user', content: 'Once upon a time' }], max_tokens: 1 };

const { data, response } = await client.chat.completions.create(request).withResponse();
assert.equal(data.choices.length, 1);
assert.equal(response.headers.get('modelscope-ratelimit-requests-remaining'), '0');

for (const stream of [false, true]) {
  try {
    const result = await client.chat.completions.create({ ...request, stream });
    if (stream) for await (const _ of result) { /* drain */ }
    assert.fail(`stream=${stream}: the call over the limit succeeded`);
  } catch (e) {
    assert.ok(e instanceof OpenAI.RateLimitError, `stream=${stream}: expected RateLimitError, got ${e?.constructor?.name}: ${e?.message}`);
    assert.equal(e.status, 429);
    assert.equal(e.code, 'daily_quota_exceeded');
    assert.equal(e.type, 'rate_limit_exceeded');
    assert.match(e.message, /^429 Daily API-Inference quota exceeded: you have used all 1 calls allowed per day\. It resets at \d{4}-\d\d-\d\d 00:00 \+08:00\.$/);
    assert.ok(Number(e.headers.get('retry-after')) > 0);
    console.log(`PASS stream=${stream}: ${e.constructor.name}: ${e.message}`);
  }
}

try {
  await new OpenAI({ baseURL: BASE_URL, apiKey: API_KEY + 'x', maxRetries: 0 }).chat.completions.create(request);
  assert.fail('a malformed key was accepted');
} catch (e) {
  assert.ok(e instanceof OpenAI.AuthenticationError, `expected AuthenticationError, got ${e?.constructor?.name}`);
  console.log(`PASS bad key: ${e.constructor.name}: ${e.message}`);
}
console.log('QUOTA OK');
