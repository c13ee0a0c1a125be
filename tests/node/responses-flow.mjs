// OpenAI's Responses API with the official `openai` npm client (Codex CLI and Cherry Studio's `openai-response`
// providers speak it): create, stream, retrieve, previous_response_id across two calls, inputItems.list, delete, and an
// unknown id. Env: BASE_URL (…/v1), API_KEY, MODEL, EXPECTED (greedy 40-token continuation of "Once upon a time").
// Prints PASS/FAIL per step and exits 1 on any failure.
import OpenAI from 'openai';
import assert from 'node:assert/strict';

const { BASE_URL, API_KEY, MODEL, EXPECTED } = process.env;
if (!BASE_URL || !API_KEY || !MODEL || !EXPECTED) {
  console.error('usage: BASE_URL=… API_KEY=… MODEL=… EXPECTED=… node responses-flow.mjs');
  process.exit(2);
}
const client = new OpenAI({ baseURL: BASE_URL, apiKey: API_KEY, maxRetries: 0, timeout: 60000 });
const greedy = { model: MODEL, input: 'Once upon a time', max_output_tokens: 40, temperature: 0 };
let failed = 0;
let first = null;

async function step(name, fn) {
  try {
    await fn();
    console.log(`PASS ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e?.constructor?.name}: ${e?.message}`);
  }
}

await step('responses.create', async () => {
  const r = await client.responses.create(greedy);
  assert.equal(r.output_text, EXPECTED);
  assert.equal(r.object, 'response');
  assert.match(r.id, /^resp_/);
  assert.equal(r.status, 'incomplete');
  assert.equal(r.incomplete_details?.reason, 'max_output_tokens');
  assert.equal(r.usage.output_tokens, 40);
  assert.equal(r.usage.total_tokens, r.usage.input_tokens + 40);
  first = r;
});

await step('responses.stream', async () => {
  const stream = client.responses.stream(greedy);
  let text = '';
  const types = [];
  stream.on('response.output_text.delta', (e) => { text += e.delta; });
  for await (const event of stream) types.push(event.type);
  const final = await stream.finalResponse();
  assert.equal(text, EXPECTED);
  assert.equal(final.output_text, EXPECTED);
  assert.equal(types[0], 'response.created');
  assert.equal(types.at(-1), 'response.incomplete');
});

await step('responses.create(stream: true): numbered events', async () => {
  const stream = await client.responses.create({ ...greedy, stream: true });
  let last = null;
  let seq = -1;
  for await (const event of stream) {
    assert.equal(event.sequence_number, seq + 1);
    seq = event.sequence_number;
    last = event;
  }
  assert.equal(last.type, 'response.incomplete');
  assert.equal(last.response.status, 'incomplete');
  assert.equal(last.response.output[0].content[0].text, EXPECTED);
});

await step('responses.retrieve', async () => {
  const r = await client.responses.retrieve(first.id);
  assert.equal(r.id, first.id);
  assert.equal(r.output_text, EXPECTED);
});

await step('previous_response_id across two calls + inputItems.list', async () => {
  const second = await client.responses.create({ model: MODEL, input: 'The end', previous_response_id: first.id, max_output_tokens: 5, temperature: 0 });
  assert.equal(second.previous_response_id, first.id);
  const items = [];
  for await (const item of client.responses.inputItems.list(second.id, { order: 'asc', limit: 2 })) items.push(item);
  assert.deepEqual(items.map((i) => i.role), ['user', 'assistant', 'user']);
  assert.equal(items[1].content[0].text, EXPECTED);
  assert.equal(items[2].content[0].text, 'The end');
});

await step('responses.delete, then retrieve is a NotFoundError', async () => {
  await client.responses.delete(first.id);
  await assert.rejects(client.responses.retrieve(first.id), (e) => e instanceof OpenAI.NotFoundError);
});

await step('a built-in tool is a BadRequestError', async () => {
  await assert.rejects(
    client.responses.create({ ...greedy, tools: [{ type: 'web_search' }] }),
    (e) => e instanceof OpenAI.BadRequestError && e.param === 'tools[0].type',
  );
});

console.log(`SUMMARY ${failed === 0 ? 'OK' : 'FAILED'} failed=${failed}`);
process.exit(failed === 0 ? 0 : 1);
