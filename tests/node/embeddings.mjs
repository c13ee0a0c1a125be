// /v1/embeddings with the official `openai` npm client: its default (it asks for base64 and decodes it) and the
// float format Cherry Studio uses to detect the dimension. Env: BASE_URL (…/v1), API_KEY, MODEL (a sentence encoder).
// Prints PASS/FAIL per step and exits 1 on any failure.
import OpenAI from 'openai';
import assert from 'node:assert/strict';

const { BASE_URL, API_KEY, MODEL } = process.env;
if (!BASE_URL || !API_KEY || !MODEL) {
  console.error('usage: BASE_URL=… API_KEY=… MODEL=… node embeddings.mjs');
  process.exit(2);
}
const client = new OpenAI({ baseURL: BASE_URL, apiKey: API_KEY, maxRetries: 0, timeout: 60000 });
const texts = ['A man is eating food.', 'A man is eating a piece of bread.', 'The girl is carrying a baby.'];
const cosine = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0) / Math.sqrt(a.reduce((s, x) => s + x * x, 0) * b.reduce((s, x) => s + x * x, 0));
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

let defaults;
await step('embeddings.create (default: base64 on the wire)', async () => {
  const r = await client.embeddings.create({ model: MODEL, input: texts });
  assert.equal(r.data.length, 3);
  assert.equal(r.data[0].embedding.length, 384);
  assert.ok(Math.abs(cosine(r.data[0].embedding, r.data[1].embedding) - 0.7553) < 0.001);
  assert.ok(Math.abs(cosine(r.data[0].embedding, r.data[2].embedding) + 0.1050) < 0.001);
  assert.equal(r.usage.prompt_tokens, 8 + 11 + 9); // [CLS] … [SEP] each
  defaults = r.data[0].embedding;
});

await step('embeddings.create (float)', async () => {
  const r = await client.embeddings.create({ model: MODEL, input: texts[0], encoding_format: 'float' });
  assert.equal(r.data[0].embedding.length, 384);
  r.data[0].embedding.forEach((x, i) => assert.ok(Math.abs(x - defaults[i]) < 1e-6));
});

await step('embeddings.create (dimensions the model cannot give) → 400', async () => {
  await assert.rejects(client.embeddings.create({ model: MODEL, input: 'a', dimensions: 64 }), (e) => e.status === 400 && e.param === 'dimensions');
});

console.log(failed === 0 ? 'SUMMARY OK' : `SUMMARY ${failed} FAILED`);
process.exit(failed === 0 ? 0 : 1);
