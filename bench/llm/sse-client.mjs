// Streaming load client for an OpenAI-compatible /v1 API (OpenMaaS), kept light on CPU: node's own `http` module
// with a keep-alive agent, a minimal SSE parser (split on blank lines, JSON.parse of each `data:` line), no SDK.
//
// usage: node sse-client.mjs --url http://127.0.0.1:PORT --model ID [--clients 1] [--reps 5] [--tokens 200]
//                            [--prompt "Once upon a time"] [--endpoint completions|chat|responses] [--timeout-s 60] [--keep-alive false]
//                            [--deltas text|all] [--tools] [--schema JSON]
//
// Each repetition starts `clients` streams at once and waits for all of them. Per stream:
//   ttft        = first content chunk - request start (ms)
//   decode tok/s = (completion_tokens - 1) / (last content chunk - first content chunk)
// Per repetition: aggregate tok/s = sum of completion_tokens / (last stream end - first request start).
// completion_tokens come from the usage chunk (stream_options.include_usage). Greedy (temperature 0), ignore_eos.
// --endpoint responses: OpenAI's Responses API (POST /v1/responses; content from response.output_text.delta events,
// usage from the closing response.completed / response.incomplete; no ignore_eos there, so a model that ends its text
// early streams fewer tokens: compare completionTokens).
// --deltas all (chat): `reasoning_content` and `tool_calls` deltas count as chunks too (an engine that thinks, then calls
// a tool, sends no content); --tools sends a function tool with `tool_choice: auto`. `textSha256` digests every delta in
// order (kind-tagged), so two paths can be checked to deliver the same stream.
// --schema JSON: structured output — on chat `response_format: {type: "json_schema", json_schema: {name, schema}}`, on
// completions llama-server's own `json_schema` field; the server decodes under the schema's grammar. --ignore-eos false
// leaves EOS to the grammar (llama-server fails a stream whose grammar is complete while EOS is banned).
// Prints one JSON object on stdout: medians over repetitions (and p50 of TTFT over every stream), plus the client's
// own CPU time, so its share of the 2 shared cores is visible.
import http from 'node:http';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({
  options: {
    url: { type: 'string' }, model: { type: 'string' }, clients: { type: 'string', default: '1' },
    token: { type: 'string', default: '' }, reps: { type: 'string', default: '5' }, tokens: { type: 'string', default: '200' },
    prompt: { type: 'string', default: 'Once upon a time' }, endpoint: { type: 'string', default: 'completions' },
    'timeout-s': { type: 'string', default: '60' }, 'keep-alive': { type: 'string', default: 'true' },
    deltas: { type: 'string', default: 'text' }, tools: { type: 'boolean', default: false }, schema: { type: 'string' },
    'ignore-eos': { type: 'string', default: 'true' },
  },
});
if (!a.url || !a.model) { console.error('usage: node sse-client.mjs --url URL --model ID [--clients N] [--reps R] [--tokens T]'); process.exit(2); }
const CLIENTS = Number(a.clients), REPS = Number(a.reps), TOKENS = Number(a.tokens), TIMEOUT_MS = Number(a['timeout-s']) * 1000;
const chat = a.endpoint === 'chat', responses = a.endpoint === 'responses';
const target = new URL(chat ? 'v1/chat/completions' : responses ? 'v1/responses' : 'v1/completions', a.url.endsWith('/') ? a.url : a.url + '/');
const body = JSON.stringify(responses
  ? { model: a.model, stream: true, store: false, temperature: 0, max_output_tokens: TOKENS, input: a.prompt }
  : {
    model: a.model, stream: true, stream_options: { include_usage: true }, temperature: 0, max_tokens: TOKENS, ignore_eos: a['ignore-eos'] !== 'false',
    ...(chat ? { messages: [{ role: 'user', content: a.prompt }] } : { prompt: a.prompt }),
    ...(a.schema && chat ? { response_format: { type: 'json_schema', json_schema: { name: 'out', schema: JSON.parse(a.schema) } } } : {}),
    ...(a.schema && !chat ? { json_schema: JSON.parse(a.schema) } : {}),
    ...(a.tools ? { tool_choice: 'auto', tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] } } }] } : {}),
  });
const allDeltas = a.deltas === 'all';
// --keep-alive false: a new connection per stream (llama-server closes a streamed response's connection, and a reused
// socket then fails with "socket hang up").
const agent = new http.Agent({ keepAlive: a['keep-alive'] !== 'false', maxSockets: CLIENTS });

function contentOf(evt) {
  if (responses) return evt.type === 'response.output_text.delta' ? evt.delta : '';
  const c = evt.choices?.[0];
  if (c && chat && allDeltas) {
    const d = c.delta ?? {};
    return (d.content ? 'C' + d.content : '') + (d.reasoning_content ? 'R' + d.reasoning_content : '')
      + (d.tool_calls ?? []).map((t) => `T${t.index}${t.id ?? ''}${t.function?.name ?? ''}|${t.function?.arguments ?? ''}`).join('');
  }
  return c ? (chat ? c.delta?.content : c.text) ?? '' : '';
}

function stream() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let tFirst = 0, tLast = 0, usage = null, buf = '', done = false, chunks = 0, text = '';
    const req = http.request(target, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(a.token ? { authorization: `Bearer ${a.token}` } : {}) } }, (res) => {
      if (res.statusCode !== 200) {
        let err = ''; res.setEncoding('utf8'); res.on('data', (d) => { err += d; });
        res.on('end', () => reject(new Error(`HTTP ${res.statusCode}: ${err.slice(0, 300)}`)));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (d) => {
        const now = performance.now();
        buf += d;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const event = buf.slice(0, i); buf = buf.slice(i + 2);
          // A named event (the Responses API's `event: TYPE`) has its data on the next line.
          const at = event.startsWith('data: ') ? 0 : event.indexOf('\ndata: ') + 1;
          if (at < 0 || (at === 0 && !event.startsWith('data: '))) continue;
          const data = event.slice(at + 6);
          if (data === '[DONE]') { done = true; continue; }
          const evt = JSON.parse(data);
          if (evt.error || evt.type === 'error') { reject(new Error(`stream error: ${data}`)); return; }
          if (evt.usage) usage = evt.usage;
          if (responses && (evt.type === 'response.completed' || evt.type === 'response.incomplete')) {
            done = true;
            usage = { prompt_tokens: evt.response.usage.input_tokens, completion_tokens: evt.response.usage.output_tokens };
          }
          const piece = contentOf(evt);
          if (piece.length > 0) { chunks++; text += piece; if (!tFirst) tFirst = now; tLast = now; }
        }
      });
      res.on('end', () => {
        const tEnd = performance.now();
        if (!done || !usage) { reject(new Error(`stream ended without ${done ? 'usage' : '[DONE]'}`)); return; }
        const n = usage.completion_tokens;
        resolve({ t0, tEnd, n, promptTokens: usage.prompt_tokens, chunks, text, ttftMs: tFirst - t0,
          decodeTps: n > 1 && tLast > tFirst ? (n - 1) / ((tLast - tFirst) / 1000) : NaN });
      });
    });
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`timed out after ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

const med = (xs) => { const s = xs.filter(Number.isFinite).sort((x, y) => x - y); const m = s.length >> 1; return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const r1 = (x) => Math.round(x * 10) / 10, r2 = (x) => Math.round(x * 100) / 100;

const reps = [], allStreams = [];
const cpu0 = process.cpuUsage(), wall0 = performance.now();
for (let r = 0; r < REPS; r++) {
  const streams = await Promise.all(Array.from({ length: CLIENTS }, stream));
  const start = Math.min(...streams.map((s) => s.t0)), end = Math.max(...streams.map((s) => s.tEnd));
  const tokens = streams.reduce((sum, s) => sum + s.n, 0);
  reps.push({ aggregateTps: tokens / ((end - start) / 1000), perStreamDecodeTps: med(streams.map((s) => s.decodeTps)),
    ttftMs: streams.map((s) => r2(s.ttftMs)) });
  allStreams.push(...streams);
}
const cpu = process.cpuUsage(cpu0), wall = performance.now() - wall0;
agent.destroy();

const first = allStreams[0];
console.log(JSON.stringify({
  endpoint: target.pathname, clients: CLIENTS, reps: REPS, maxTokens: TOKENS,
  completionTokens: first.n, promptTokens: first.promptTokens, chunksPerStream: first.chunks,
  aggregateTps: r1(med(reps.map((r) => r.aggregateTps))),
  perStreamDecodeTps: r1(med(reps.map((r) => r.perStreamDecodeTps))),
  ttftP50Ms: r2(med(allStreams.map((s) => s.ttftMs))),
  runs: reps.map((r) => ({ aggregateTps: r1(r.aggregateTps), perStreamDecodeTps: r1(r.perStreamDecodeTps), ttftMs: r.ttftMs })),
  clientCpuPct: r1(100 * (cpu.user + cpu.system) / 1000 / wall),
  sameTextAllStreams: allStreams.every((s) => s.text === first.text),
  textSha256: createHash('sha256').update(first.text).digest('hex').slice(0, 16),
  textStart: first.text.slice(0, 80),
}));
