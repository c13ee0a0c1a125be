// Tools, images and reasoning through OpenMaaS to an engine, with the official clients unchanged: the `openai` npm
// package (a streamed tool round trip with an image part, the call reassembled from delta.tool_calls, reasoning_content
// read from the deltas) and `@anthropic-ai/sdk` (a streamed tool round trip whose tool_use input the SDK's own
// finalMessage() reassembles from input_json_delta, thinking blocks from the engine's reasoning_content).
// The engine behind MODEL is the tests' scripted engine: it calls get_weather {"city":"Paris"}, then answers text.
// Env: BASE_URL (the host, no /v1), API_KEY, MODEL.
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';

const { BASE_URL, API_KEY, MODEL } = process.env;
if (!BASE_URL || !API_KEY || !MODEL) {
  console.error('usage: BASE_URL=… API_KEY=… MODEL=… node tools-flow.mjs');
  process.exit(2);
}

const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

// openai npm: streamed, as Cherry Studio calls it.
const openai = new OpenAI({ baseURL: `${BASE_URL}/v1`, apiKey: API_KEY, maxRetries: 0 });
const tools = [{ type: 'function', function: { name: 'get_weather', description: 'Weather now', parameters: schema } }];
const messages = [{ role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }] }];
const stream = openai.chat.completions.stream({ model: MODEL, messages, tools, stream: true, enable_thinking: true });
let reasoning = '';
for await (const chunk of stream) {
  reasoning += chunk.choices[0]?.delta?.reasoning_content ?? '';
}
const called = await stream.finalChatCompletion();
const call = called.choices[0].message.tool_calls[0];
assert.equal(called.choices[0].finish_reason, 'tool_calls');
assert.equal(call.function.name, 'get_weather');
assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
assert.equal(reasoning, 'I should look it up.');
messages.push(called.choices[0].message, { role: 'tool', tool_call_id: call.id, content: 'sunny' });
const answered = await openai.chat.completions.create({ model: MODEL, messages, tools });
assert.equal(answered.choices[0].message.content, 'It is sunny in Paris.');
assert.equal(answered.choices[0].message.reasoning_content, 'The tool said sunny.');

// @anthropic-ai/sdk: streamed, the SDK's own accumulator.
const anthropic = new Anthropic({ baseURL: BASE_URL, apiKey: API_KEY, maxRetries: 0 });
const request = {
  model: MODEL, max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 },
  tools: [{ name: 'get_weather', description: 'Weather now', input_schema: schema }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }] }],
};
let thinking = '';
const first = anthropic.messages.stream(request);
first.on('thinking', (delta) => { thinking += delta; });
const toolTurn = await first.finalMessage();
assert.equal(toolTurn.stop_reason, 'tool_use');
assert.equal(thinking, 'I should look it up.');
assert.deepEqual(toolTurn.content.map((b) => b.type), ['thinking', 'tool_use']);
const use = toolTurn.content[1];
assert.equal(use.name, 'get_weather');
assert.deepEqual(use.input, { city: 'Paris' });
request.messages.push({ role: 'assistant', content: toolTurn.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'sunny' }] });
const final = await anthropic.messages.stream(request).finalMessage();
assert.equal(final.stop_reason, 'end_turn');
assert.deepEqual(final.content.map((b) => b.type), ['thinking', 'text']);
assert.equal(final.content[1].text, 'It is sunny in Paris.');

console.log('tool clients ok');
