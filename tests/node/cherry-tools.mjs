// Cherry Studio's own clients with tools and an image part, through OpenMaaS to an engine: its fork of the openai npm
// package (`@cherrystudio/openai` 6.15.0, streamed as Cherry Studio calls it) and the AI SDK's
// `@ai-sdk/openai-compatible` provider (its current path), each a tool round trip (call → result → answer) with the
// engine's reasoning. The engine behind MODEL is the tests' scripted engine: it calls get_weather {"city":"Paris"}
// with reasoning "I should look it up.", then, given the result, answers "It is sunny in Paris.".
// Env: BASE_URL (the host, no /v1), API_KEY, MODEL.
import CherryOpenAI from '@cherrystudio/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, streamText, tool } from 'ai';
import { z } from 'zod';
import assert from 'node:assert/strict';

const { BASE_URL, API_KEY, MODEL } = process.env;
if (!BASE_URL || !API_KEY || !MODEL) {
  console.error('usage: BASE_URL=… API_KEY=… MODEL=… node cherry-tools.mjs');
  process.exit(2);
}

const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

// @cherrystudio/openai, streamed.
const cherry = new CherryOpenAI({ baseURL: `${BASE_URL}/v1`, apiKey: API_KEY, maxRetries: 0 });
const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
const messages = [{ role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }] }];
const stream = await cherry.chat.completions.create({ model: MODEL, messages, tools, stream: true, enable_thinking: true, thinking_budget: 512 });
let reasoning = '';
let name = '';
let args = '';
let id = '';
let finish;
for await (const chunk of stream) {
  const choice = chunk.choices[0];
  if (!choice) continue;
  reasoning += choice.delta?.reasoning_content ?? '';
  for (const call of choice.delta?.tool_calls ?? []) {
    id ||= call.id ?? '';
    name ||= call.function?.name ?? '';
    args += call.function?.arguments ?? '';
  }
  finish ??= choice.finish_reason ?? undefined;
}
assert.equal(finish, 'tool_calls');
assert.equal(reasoning, 'I should look it up.');
assert.equal(name, 'get_weather');
assert.deepEqual(JSON.parse(args), { city: 'Paris' });
messages.push({ role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: args } }] });
messages.push({ role: 'tool', tool_call_id: id, content: 'sunny' });
let answer = '';
for await (const chunk of await cherry.chat.completions.create({ model: MODEL, messages, tools, stream: true })) {
  answer += chunk.choices[0]?.delta?.content ?? '';
}
assert.equal(answer, 'It is sunny in Paris.');

// AI SDK openai-compatible provider, streamed then not.
const provider = createOpenAICompatible({ name: 'openmaas', baseURL: `${BASE_URL}/v1`, apiKey: API_KEY });
const weather = tool({ description: 'Weather now', inputSchema: z.object({ city: z.string() }) });
const first = streamText({
  model: provider(MODEL),
  tools: { get_weather: weather },
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image', image: png, mediaType: 'image/png' }] }],
});
const calls = await first.toolCalls;
assert.equal(calls.length, 1);
assert.equal(calls[0].toolName, 'get_weather');
assert.deepEqual(calls[0].input, { city: 'Paris' });
assert.equal(await first.reasoningText, 'I should look it up.');
const history = [
  { role: 'user', content: 'Weather here?' },
  ...(await first.response).messages,
  { role: 'tool', content: [{ type: 'tool-result', toolCallId: calls[0].toolCallId, toolName: 'get_weather', output: { type: 'text', value: 'sunny' } }] },
];
const second = await generateText({ model: provider(MODEL), tools: { get_weather: weather }, messages: history });
assert.equal(second.text, 'It is sunny in Paris.');
assert.equal(second.reasoningText, 'The tool said sunny.');

console.log('cherry studio clients ok');
