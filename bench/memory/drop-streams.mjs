// Drops streams after their first chunk: COUNT streamed completions (max_tokens 200, ignore_eos: 8 slots x 256 cells), CONCURRENCY at a
// time; each request is destroyed (socket closed) as soon as its first body chunk arrives, so the server sees a client
// that left mid-generation.
//
// usage: node drop-streams.mjs --url http://127.0.0.1:PORT --token ms-... --model ID [--count 2000] [--concurrency 16]
// Prints one JSON line: how many were dropped after a first chunk, how many answered otherwise (status), wall seconds.
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({
  options: {
    url: { type: 'string' }, token: { type: 'string', default: '' }, model: { type: 'string' },
    count: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '16' },
  },
});
const COUNT = Number(a.count), CONCURRENCY = Number(a.concurrency);
const target = new URL('v1/completions', a.url.endsWith('/') ? a.url : a.url + '/');
const body = JSON.stringify({ model: a.model, prompt: 'Once upon a time', stream: true, max_tokens: 200, ignore_eos: true, temperature: 0 });
// No keep-alive: each dropped stream closes its own connection, as a client that goes away does.
const agent = new http.Agent({ keepAlive: false });
const statuses = {};
let dropped = 0;

function one() {
  return new Promise((resolve) => {
    const req = http.request(target, { method: 'POST', agent, headers: { 'content-type': 'application/json',
      'content-length': Buffer.byteLength(body), ...(a.token ? { authorization: `Bearer ${a.token}` } : {}) } }, (res) => {
      if (res.statusCode !== 200) { statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1; res.resume(); res.on('end', resolve); return; }
      res.once('data', () => { dropped++; req.destroy(); resolve(); });
      res.on('error', () => resolve());
    });
    req.on('error', () => resolve());
    req.end(body);
  });
}

const t0 = performance.now();
let next = 0;
await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (next++ < COUNT) await one(); }));
console.log(JSON.stringify({ count: COUNT, concurrency: CONCURRENCY, dropped, otherStatuses: statuses, wallS: Math.round((performance.now() - t0) / 100) / 10 }));
