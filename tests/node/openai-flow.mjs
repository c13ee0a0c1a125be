// The Cherry Studio flow with the official `openai` npm client: list models, chat, streamed chat (with usage),
// text completion. Env: BASE_URL (…/v1), API_KEY, MODEL, EXPECTED (greedy 40-token continuation).
// Prints PASS/FAIL per step and exits 1 on any failure.
import OpenAI from 'openai';
import assert from 'node:assert/strict';

const { BASE_URL, API_KEY, MODEL, EXPECTED } = process.env;
if (!BASE_URL || !API_KEY || !MODEL || !EXPECTED) {
  console.error('usage: BASE_URL=… API_KEY=… MODEL=… EXPECTED=… node openai-flow.mjs');
  process.exit(2);
}
const client = new OpenAI({ baseURL: BASE_URL, apiKey: API_KEY, maxRetries: 0, timeout: 60000 });
const messages = [{ role: 'user', content: 'Once upon a time' }];
let failed = 0;

async function step(name, fn) {
  try {
    await fn();
    console.log(`PASS ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e?.constructor?.name}: ${e?.message}`);
  }
}

await step('models.list', async () => {
  const page = await client.models.list();
  assert.ok(page.data.some((m) => m.id === MODEL), `no ${MODEL} in ${JSON.stringify(page.data)}`);
});

await step('chat.completions.create', async () => {
  const r = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 40, temperature: 0 });
  assert.equal(r.choices[0].message.content, EXPECTED);
  assert.equal(r.choices[0].finish_reason, 'length');
  assert.deepEqual(r.usage, { prompt_tokens: 5, completion_tokens: 40, total_tokens: 45 });
});

await step('chat.completions.create(stream)', async () => {
  const stream = await client.chat.completions.create({
    model: MODEL, messages, max_tokens: 40, temperature: 0, stream: true, stream_options: { include_usage: true },
  });
  let text = '';
  let chunks = 0;
  let finish = null;
  let usage = null;
  for await (const chunk of stream) {
    chunks++;
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      text += c.delta?.content ?? '';
      finish ??= c.finish_reason;
    }
  }
  assert.equal(text, EXPECTED);
  assert.ok(chunks > 5, `only ${chunks} chunks`);
  assert.equal(finish, 'length');
  assert.equal(usage?.completion_tokens, 40);
});

await step('completions.create', async () => {
  const r = await client.completions.create({ model: MODEL, prompt: 'Once upon a time', max_tokens: 40, temperature: 0 });
  assert.equal(r.choices[0].text, EXPECTED);
});

await step('unknown model is a NotFoundError', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'nobody/nothing', messages, max_tokens: 4 }),
    (e) => e instanceof OpenAI.NotFoundError && /does not exist/.test(e.message) && e.code === 'model_not_found',
  );
});

console.log(`SUMMARY ${failed === 0 ? 'OK' : 'FAILED'} failed=${failed}`);
process.exit(failed === 0 ? 0 : 1);
