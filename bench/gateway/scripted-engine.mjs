// SCRIPTED engine (a FAKE, named so): an OpenAI-compatible /v1/chat/completions that streams what a reasoning,
// tool-calling engine (vLLM / SGLang with a reasoning and a tool parser) sends, without a model: a role chunk, then
// `reasoning_content` deltas, then one tool call (id + name, then `arguments` fragments), finish_reason "tool_calls",
// the usage chunk and [DONE]. One delta per generated "token", each in its own write.
// usage: node scripted-engine.mjs PORT [HOST]
// The request's `model` picks the pacing: "paced" sends a delta every PACE_MS (default 1) ms, as an engine decoding at
// ~1,000 tok/s per stream would; "burst" sends each delta as soon as the previous write is done (setImmediate), the
// harshest case for a proxy. `max_tokens` (default 200) is the number of deltas: 3/4 reasoning, 1/4 arguments. A model
// name ending in "-text" ("paced-text", "burst-text") streams plain `content` deltas instead, finish "stop": the text
// control for the same run.
import http from 'node:http';

const port = Number(process.argv[2] ?? 18090);
const host = process.argv[3] ?? '127.0.0.1';
const paceMs = Number(process.env.PACE_MS ?? 1);

const words = ['The', ' user', ' wants', ' the', ' weather', ' in', ' Paris', ',', ' so', ' I', ' call', ' the', ' tool', '.'];
const args = ['{"', 'city', '":', ' "', 'Par', 'is', '",', ' "', 'days', '":', ' ', '3', ',', ' "', 'unit', '":', ' "c"', '}'];

function chunk(model, delta, finish = null) {
  return 'data: ' + JSON.stringify({
    id: 'chatcmpl-scripted', object: 'chat.completion.chunk', created: 1700000000, model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  }) + '\n\n';
}

/** The stream's events in order: reasoning deltas, the call's first fragment, argument fragments, the finish. */
function script(model, n) {
  if (model.endsWith('-text')) {
    const out = [chunk(model, { role: 'assistant', content: '' })];
    for (let i = 0; i < n; i++) out.push(chunk(model, { content: words[i % words.length] }));
    out.push(chunk(model, {}, 'stop'));
    return { events: out, completionTokens: n };
  }
  const reasoning = Math.max(1, Math.floor(n * 3 / 4)), argCount = Math.max(1, n - reasoning);
  const out = [chunk(model, { role: 'assistant', content: null })];
  for (let i = 0; i < reasoning; i++) out.push(chunk(model, { reasoning_content: words[i % words.length] }));
  out.push(chunk(model, { tool_calls: [{ index: 0, id: 'call_scripted0', type: 'function', function: { name: 'get_weather', arguments: '' } }] }));
  // Arguments: the fragments repeated inside one string value so the whole stays valid JSON at any length.
  out.push(chunk(model, { tool_calls: [{ index: 0, function: { arguments: '{"note": "' } }] }));
  for (let i = 0; i < argCount - 2; i++) out.push(chunk(model, { tool_calls: [{ index: 0, function: { arguments: args[i % args.length].replaceAll('"', "'") } }] }));
  out.push(chunk(model, { tool_calls: [{ index: 0, function: { arguments: '"}' } }] }));
  out.push(chunk(model, {}, 'tool_calls'));
  return { events: out, completionTokens: reasoning + argCount + 1 };
}

http.createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"object":"list","data":[{"id":"paced","object":"model"},{"id":"burst","object":"model"},{"id":"paced-text","object":"model"},{"id":"burst-text","object":"model"}]}');
    }
    if (req.method !== 'POST' || !req.url.startsWith('/v1/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end('{"error":{"message":"not found","type":"invalid_request_error"}}');
    }
    const body = JSON.parse(Buffer.concat(parts).toString() || '{}');
    const model = body.model ?? 'paced';
    const { events, completionTokens } = script(model, Number(body.max_tokens ?? 200));
    if (body.stream_options?.include_usage) {
      events.push('data: ' + JSON.stringify({ id: 'chatcmpl-scripted', object: 'chat.completion.chunk', created: 1700000000, model, choices: [],
        usage: { prompt_tokens: 12, completion_tokens: completionTokens, total_tokens: 12 + completionTokens } }) + '\n\n');
    }
    events.push('data: [DONE]\n\n');
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    let i = 0;
    const next = () => {
      if (i === events.length) return res.end();
      res.write(events[i++]);
      if (model.startsWith('burst')) setImmediate(next); else setTimeout(next, paceMs);
    };
    next();
  });
}).listen(port, host);
