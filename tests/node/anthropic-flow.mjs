// The official Anthropic clients, unchanged, against OpenMaaS: the `@anthropic-ai/sdk` npm package and the AI SDK's
// `@ai-sdk/anthropic` provider (Cherry Studio's Anthropic path). Plain and streamed messages with the known greedy text,
// count_tokens, and the SDK's typed errors for 401, 404, 400 and 429 (our message).
// Env: BASE_URL (the host, no /v1), API_KEY, LIMITED_KEY (an account whose daily limit is 1, unused), MODEL, EXPECTED.
import Anthropic from '@anthropic-ai/sdk';
import { createAnthropic } from '@ai-sdk/anthropic';
import { generateText, streamText } from 'ai';
import assert from 'node:assert/strict';

const { BASE_URL, API_KEY, LIMITED_KEY, MODEL, EXPECTED } = process.env;
if (!BASE_URL || !API_KEY || !LIMITED_KEY || !MODEL || !EXPECTED) {
  console.error('usage: BASE_URL=… API_KEY=… LIMITED_KEY=… MODEL=… EXPECTED=… node anthropic-flow.mjs');
  process.exit(2);
}

const client = new Anthropic({ baseURL: BASE_URL, apiKey: API_KEY, maxRetries: 0, timeout: 60000 });
const request = { model: MODEL, max_tokens: 40, temperature: 0, messages: [{ role: 'user', content: 'Once upon a time' }] };

// Plain.
const message = await client.messages.create(request);
assert.equal(message.type, 'message');
assert.equal(message.content[0].type, 'text');
assert.equal(message.content[0].text, EXPECTED);
assert.equal(message.stop_reason, 'max_tokens');
assert.equal(message.usage.output_tokens, 40);

// Streamed, through the SDK's own event accumulator.
const stream = client.messages.stream(request);
let streamed = '';
stream.on('text', (t) => { streamed += t; });
const final = await stream.finalMessage();
assert.equal(streamed, EXPECTED);
assert.equal(final.content[0].text, EXPECTED);
assert.equal(final.stop_reason, 'max_tokens');

// count_tokens is free and agrees with the message's input tokens.
const counted = await client.messages.countTokens({ model: MODEL, messages: request.messages });
assert.equal(counted.input_tokens, message.usage.input_tokens);

// Typed errors.
await assert.rejects(new Anthropic({ baseURL: BASE_URL, apiKey: 'ms-' + 'x'.repeat(32), maxRetries: 0 }).messages.create(request),
  (e) => e instanceof Anthropic.AuthenticationError && e.status === 401);
await assert.rejects(client.messages.create({ ...request, model: 'nobody/nothing' }),
  (e) => e instanceof Anthropic.NotFoundError && /nobody\/nothing/.test(e.message));
await assert.rejects(client.messages.create({ ...request, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AA==' } }] }] }),
  (e) => e instanceof Anthropic.BadRequestError && e.error?.error?.type === 'invalid_request_error' && typeof e.requestID === 'string');
const limited = new Anthropic({ baseURL: BASE_URL, apiKey: LIMITED_KEY, maxRetries: 2 });
await limited.messages.create({ ...request, max_tokens: 1 });
await assert.rejects(limited.messages.create({ ...request, max_tokens: 1 }),
  (e) => e instanceof Anthropic.RateLimitError && /^429 .*Daily API-Inference quota exceeded: you have used all 1 calls allowed per day\. It resets at /.test(e.message));

// The AI SDK's Anthropic provider (what Cherry Studio uses for an Anthropic host): baseURL ends in /v1.
const provider = createAnthropic({ baseURL: `${BASE_URL}/v1`, apiKey: API_KEY });
const generated = await generateText({ model: provider(MODEL), prompt: 'Once upon a time', maxOutputTokens: 40, temperature: 0, maxRetries: 0 });
assert.equal(generated.text, EXPECTED);
const result = streamText({ model: provider(MODEL), prompt: 'Once upon a time', maxOutputTokens: 40, temperature: 0, maxRetries: 0 });
let aiStreamed = '';
for await (const part of result.textStream) aiStreamed += part;
assert.equal(aiStreamed, EXPECTED);
await assert.rejects(generateText({ model: createAnthropic({ baseURL: `${BASE_URL}/v1`, apiKey: 'ms-' + 'y'.repeat(32) })(MODEL), prompt: 'x', maxOutputTokens: 1, maxRetries: 0 }),
  (e) => e.statusCode === 401);

console.log('anthropic clients ok');
