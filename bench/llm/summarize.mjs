// Combines the parts of bench/llm/run.sh into one JSON object and a markdown table with the ratios vs the targets.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({
  options: Object.fromEntries(['peer', 'raw', 'http1', 'http8', 'rss', 'reps', 'tokens', 'threads', 'clients'].map((k) => [k, { type: 'string' }])),
});
const read = (p) => (p && existsSync(p) ? readFileSync(p, 'utf8') : null);
const num = (text, re) => { const m = text?.match(re); return m ? Number(m[1]) : null; };

// node-llama-cpp's own summary line: "MEDIAN decode=X tok/s e2e=Y tok/s ttft=Z ms (runs=N)"
const peerText = read(a.peer);
const peer = { decodeTps: num(peerText, /MEDIAN decode=([\d.]+)/), ttftMs: num(peerText, /MEDIAN .* ttft=([\d.]+) ms/) };
// The raw loop writes its medians as JSON (decodeTps, ttftMs).
const rawText = read(a.raw);
const raw = rawText ? JSON.parse(rawText) : null;
const h1 = JSON.parse(read(a.http1)), h8 = JSON.parse(read(a.http8));
const [rssIdle, rssLoaded, rssAfter, rssPeak] = a.rss.split(',').map((k) => Math.round(Number(k) / 1024));

const ratio = (x, y) => (x && y ? Math.round((x / y) * 100) / 100 : null);
const ratios = {
  singleVsNodeLlamaCpp: { value: ratio(h1.perStreamDecodeTps, peer.decodeTps), target: 1.5 },
  singleVsRawLoop: { value: ratio(h1.perStreamDecodeTps, raw?.decodeTps), target: 0.8 },
  aggregate8VsSingle: { value: ratio(h8.aggregateTps, h1.aggregateTps), target: 2.5 },
};
for (const r of Object.values(ratios)) r.met = r.value == null ? null : r.value >= r.target;

const summary = {
  date: new Date().toISOString(), reps: Number(a.reps), tokens: Number(a.tokens), threads: Number(a.threads),
  openmaas: { single: h1, concurrent: h8 },
  nodeLlamaCpp: peer, rawLoop: raw,
  serverRssMiB: { beforeModelLoad: rssIdle, modelLoaded: rssLoaded, afterLoad: rssAfter, peak: rssPeak },
  ratios,
};
console.log(JSON.stringify(summary, null, 2));

const f = (x, d = 0) => (x == null || Number.isNaN(x) ? 'n/a' : x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const mark = (r) => (r.met == null ? 'n/a' : r.met ? 'met' : 'missed');
console.log(`
| measure (stories260K, ${a.threads} thread, greedy, ${a.tokens} tokens, median of ${a.reps}) | value |
|---|---:|
| OpenMaaS HTTP/SSE, 1 client: decode tok/s | ${f(h1.perStreamDecodeTps, 1)} |
| OpenMaaS HTTP/SSE, 1 client: aggregate tok/s (incl. TTFT) | ${f(h1.aggregateTps, 1)} |
| OpenMaaS HTTP/SSE, ${a.clients} clients: aggregate tok/s | ${f(h8.aggregateTps, 1)} |
| OpenMaaS HTTP/SSE, ${a.clients} clients: per-stream decode tok/s | ${f(h8.perStreamDecodeTps, 1)} |
| OpenMaaS TTFT p50, 1 client / ${a.clients} clients (ms) | ${f(h1.ttftP50Ms, 2)} / ${f(h8.ttftP50Ms, 2)} |
| node-llama-cpp 3.21.1 (in-process JS loop): decode tok/s | ${f(peer.decodeTps, 1)} |
| node-llama-cpp TTFT (ms) | ${f(peer.ttftMs, 2)} |
| raw LLamaSharp loop (in-process): decode tok/s | ${f(raw?.decodeTps, 1)} |
| server RSS (MiB): before load / model loaded / after the load test / peak | ${rssIdle} / ${rssLoaded} / ${rssAfter} / ${rssPeak} |
| load client CPU, 1 client / ${a.clients} clients (% of one core) | ${f(h1.clientCpuPct, 1)} / ${f(h8.clientCpuPct, 1)} |

| ratio | value | target | |
|---|---:|---:|---|
| single-stream OpenMaaS / node-llama-cpp | ${f(ratios.singleVsNodeLlamaCpp.value, 2)} | ≥ 1.5 | ${mark(ratios.singleVsNodeLlamaCpp)} |
| single-stream OpenMaaS / raw loop | ${f(ratios.singleVsRawLoop.value, 2)} | ≥ 0.8 | ${mark(ratios.singleVsRawLoop)} |
| aggregate ${a.clients}-client / 1-client | ${f(ratios.aggregate8VsSingle.value, 2)} | ≥ 2.5 | ${mark(ratios.aggregate8VsSingle)} |`);
