// Combines the parts of bench/llm/run.sh (files in --dir) into one JSON object and a markdown table with the ratios
// vs the targets. Every figure is the median over all runs of all rounds.
//   peer.txt     node-llama-cpp's llamacpp-bench.mjs output, "run i: ... ttft=X ms decode=Y tok/s ..." lines
//   raw.jsonl    the raw LLamaSharp loop (bench/OpenMaas.Bench.RawLoop raw): { all_tok_s: [...] } per round
//   sched.jsonl  the scheduler without HTTP (... model 1 8): { sequences, all_tok_s: [...] } per round and size
//   http1.jsonl, http8.jsonl  sse-client.mjs: { runs: [{ aggregateTps, perStreamDecodeTps, ttftMs: [...] }] } per round
//   llama1.jsonl, llama8.jsonl  the same client against llama.cpp's llama-server (absent when it was not run)
//   chat1.jsonl, responses1.jsonl  the same client on /v1/chat/completions and on /v1/responses, 1 client
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({
  options: Object.fromEntries(['dir', 'rss', 'rounds', 'reps', 'tokens', 'threads', 'clients'].map((k) => [k, { type: 'string' }])),
});
const read = (name) => { const p = join(a.dir, name); return existsSync(p) ? readFileSync(p, 'utf8') : ''; };
const jsonl = (name) => read(name).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const med = (xs) => { const s = xs.filter(Number.isFinite).sort((x, y) => x - y); const m = s.length >> 1; return s.length === 0 ? null : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const range = (xs) => (xs.length ? [Math.min(...xs), Math.max(...xs)] : null);
const r1 = (x) => (x == null ? null : Math.round(x * 10) / 10);

const peerRuns = [...read('peer.txt').matchAll(/^run \d+: .*ttft=([\d.]+) ms decode=([\d.]+) tok\/s/gm)].map((m) => ({ ttft: Number(m[1]), tps: Number(m[2]) }));
const bySequences = (rows, n) => rows.filter((r) => (r.sequences ?? 1) === n).flatMap((r) => r.all_tok_s);
const raws = jsonl('raw.jsonl'), sched = jsonl('sched.jsonl');
const rawRuns = bySequences(raws, 1), raw8Runs = bySequences(raws, Number(a.clients));
const schedRuns = (n) => bySequences(sched, n);
const http = (name) => {
  const runs = jsonl(name).flatMap((r) => r.runs);
  const agg = runs.map((r) => r.aggregateTps), dec = runs.map((r) => r.perStreamDecodeTps);
  const cpu = jsonl(name).map((r) => r.clientCpuPct);
  return { runs: runs.length, aggregateTps: r1(med(agg)), aggregateTpsRange: range(agg), perStreamDecodeTps: r1(med(dec)),
    perStreamDecodeTpsRange: range(dec), ttftP50Ms: med(runs.flatMap((r) => r.ttftMs)), clientCpuPct: r1(med(cpu)) };
};
const h1 = http('http1.jsonl'), h8 = http('http8.jsonl');
const l1 = http('llama1.jsonl'), l8 = http('llama8.jsonl');
const c1 = http('chat1.jsonl'), rs1 = http('responses1.jsonl');
const peer = { runs: peerRuns.length, decodeTps: r1(med(peerRuns.map((r) => r.tps))), decodeTpsRange: range(peerRuns.map((r) => r.tps)), ttftP50Ms: med(peerRuns.map((r) => r.ttft)) };
const raw = { runs: rawRuns.length, decodeTps: med(rawRuns), decodeTpsRange: range(rawRuns),
  concurrent: { sequences: Number(a.clients), runs: raw8Runs.length, tps: med(raw8Runs), tpsRange: range(raw8Runs) } };
const scheduler = { single: { runs: schedRuns(1).length, tps: med(schedRuns(1)) }, concurrent: { runs: schedRuns(Number(a.clients)).length, tps: med(schedRuns(Number(a.clients))) } };
const busy = read('busy.txt').split('\n').filter(Boolean).map(Number);
const [rssIdle, rssLoaded, rssAfter, rssPeak] = a.rss.split(',').map((k) => Math.round(Number(k) / 1024));

const ratio = (x, y) => (x && y ? Math.round((x / y) * 100) / 100 : null);
const target = (value, min) => ({ value, target: min, met: value == null ? null : value >= min });
const ratios = {
  singleVsNodeLlamaCpp: target(ratio(h1.perStreamDecodeTps, peer.decodeTps), 1.5),
  singleVsRawLoop: target(ratio(h1.perStreamDecodeTps, raw.decodeTps), 0.8),
  aggregate8VsSingle: target(ratio(h8.aggregateTps, h1.aggregateTps), 2.5),
  // Diagnostics without a target: what HTTP costs over the scheduler, and what the scheduler alone gains from batching.
  singleVsSchedulerNoHttp: ratio(h1.aggregateTps, scheduler.single.tps),
  schedulerNoHttp8VsSingle: ratio(scheduler.concurrent.tps, scheduler.single.tps),
  rawLoop8VsSingle: ratio(raw.concurrent.tps, raw.decodeTps),
  // Against llama.cpp's own server, same settings and client: decode tok/s of one stream, aggregate of eight.
  singleVsLlamaServer: ratio(h1.perStreamDecodeTps, l1.perStreamDecodeTps),
  aggregate8VsLlamaServer: ratio(h8.aggregateTps, l8.aggregateTps),
  // The Responses API's encoder against chat's, same model and loop: decode tok/s and TTFT (lower is better).
  responsesVsChatDecode: target(ratio(rs1.perStreamDecodeTps, c1.perStreamDecodeTps), 0.95),
  chatVsResponsesTtft: target(ratio(c1.ttftP50Ms, rs1.ttftP50Ms), 0.95),
};

const summary = {
  date: new Date().toISOString(), rounds: Number(a.rounds), repsPerRound: Number(a.reps), tokens: Number(a.tokens), threads: Number(a.threads),
  openmaas: { single: h1, concurrent: h8, chat: c1, responses: rs1 }, llamaServer: l1.runs ? { single: l1, concurrent: l8 } : null, nodeLlamaCpp: peer, rawLoop: raw, schedulerNoHttp: scheduler,
  machineBusyPctBeforeRounds: busy,
  serverRssMiB: { beforeModelLoad: rssIdle, modelLoaded: rssLoaded, afterLoad: rssAfter, peak: rssPeak },
  ratios,
};
console.log(JSON.stringify(summary, null, 2));

const f = (x, d = 0) => (x == null || Number.isNaN(x) ? 'n/a' : x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const rg = (r) => (r ? `${f(r[0])}–${f(r[1])}` : 'n/a');
const mark = (r) => (r.met == null ? 'n/a' : r.met ? 'met' : 'missed');
const n = a.clients;
console.log(`
| measure (stories260K, ${a.threads} thread, greedy, ${a.tokens} tokens; median of ${a.rounds} rounds × ${a.reps}) | median | range |
|---|---:|---:|
| OpenMaaS HTTP/SSE, 1 client: decode tok/s | ${f(h1.perStreamDecodeTps, 1)} | ${rg(h1.perStreamDecodeTpsRange)} |
| OpenMaaS HTTP/SSE, 1 client: end-to-end tok/s (incl. TTFT) | ${f(h1.aggregateTps, 1)} | ${rg(h1.aggregateTpsRange)} |
| OpenMaaS HTTP/SSE, ${n} clients: aggregate tok/s | ${f(h8.aggregateTps, 1)} | ${rg(h8.aggregateTpsRange)} |
| OpenMaaS HTTP/SSE, ${n} clients: per-stream decode tok/s | ${f(h8.perStreamDecodeTps, 1)} | ${rg(h8.perStreamDecodeTpsRange)} |
| OpenMaaS TTFT p50, 1 client / ${n} clients (ms) | ${f(h1.ttftP50Ms, 2)} / ${f(h8.ttftP50Ms, 2)} | |
| /v1/chat/completions, 1 client: decode tok/s / TTFT p50 (ms) | ${f(c1.perStreamDecodeTps, 1)} / ${f(c1.ttftP50Ms, 2)} | ${rg(c1.perStreamDecodeTpsRange)} |
| /v1/responses, 1 client: decode tok/s / TTFT p50 (ms) | ${f(rs1.perStreamDecodeTps, 1)} / ${f(rs1.ttftP50Ms, 2)} | ${rg(rs1.perStreamDecodeTpsRange)} |
| llama-server (same client), 1 client: decode tok/s / TTFT p50 (ms) | ${f(l1.perStreamDecodeTps, 1)} / ${f(l1.ttftP50Ms, 2)} | ${rg(l1.perStreamDecodeTpsRange)} |
| llama-server, ${n} clients: aggregate tok/s / TTFT p50 (ms) | ${f(l8.aggregateTps, 1)} / ${f(l8.ttftP50Ms, 2)} | ${rg(l8.aggregateTpsRange)} |
| node-llama-cpp 3.21.1 (in-process JS loop): decode tok/s | ${f(peer.decodeTps, 1)} | ${rg(peer.decodeTpsRange)} |
| node-llama-cpp TTFT p50 (ms) | ${f(peer.ttftP50Ms, 2)} | |
| raw LLamaSharp loop (in-process, 1 sequence): tok/s | ${f(raw.decodeTps, 0)} | ${rg(raw.decodeTpsRange)} |
| raw LLamaSharp loop, ${n} sequences in one batch: aggregate tok/s | ${f(raw.concurrent.tps, 0)} | ${rg(raw.concurrent.tpsRange)} |
| OpenMaaS scheduler without HTTP, 1 / ${n} sequences: aggregate tok/s | ${f(scheduler.single.tps, 0)} / ${f(scheduler.concurrent.tps, 0)} | |
| server RSS (MiB): before load / model loaded / after the load test / peak | ${rssIdle} / ${rssLoaded} / ${rssAfter} / ${rssPeak} | |
| machine busy before each round (%, other work; 2 cores shared) | ${busy.join(', ')} | |
| load client CPU, 1 client / ${n} clients (% of one core) | ${f(h1.clientCpuPct, 1)} / ${f(h8.clientCpuPct, 1)} | |

| ratio | value | target | |
|---|---:|---:|---|
| single-stream OpenMaaS / node-llama-cpp | ${f(ratios.singleVsNodeLlamaCpp.value, 2)} | ≥ 1.5 | ${mark(ratios.singleVsNodeLlamaCpp)} |
| single-stream OpenMaaS / raw loop | ${f(ratios.singleVsRawLoop.value, 2)} | ≥ 0.8 | ${mark(ratios.singleVsRawLoop)} |
| aggregate ${n}-client / 1-client | ${f(ratios.aggregate8VsSingle.value, 2)} | ≥ 2.5 | ${mark(ratios.aggregate8VsSingle)} |
| /v1/responses / /v1/chat/completions, decode tok/s | ${f(ratios.responsesVsChatDecode.value, 2)} | ≥ 0.95 | ${mark(ratios.responsesVsChatDecode)} |
| /v1/chat/completions / /v1/responses, TTFT p50 | ${f(ratios.chatVsResponsesTtft.value, 2)} | ≥ 0.95 | ${mark(ratios.chatVsResponsesTtft)} |
| OpenMaaS / llama-server, 1 stream (decode tok/s) | ${f(ratios.singleVsLlamaServer, 2)} | | |
| OpenMaaS / llama-server, ${n} streams (aggregate tok/s) | ${f(ratios.aggregate8VsLlamaServer, 2)} | | |
| (diagnostic) 1 client end-to-end / scheduler without HTTP, 1 sequence | ${f(ratios.singleVsSchedulerNoHttp, 2)} | | |
| (diagnostic) scheduler without HTTP, ${n} / 1 sequences | ${f(ratios.schedulerNoHttp8VsSingle, 2)} | | |
| (diagnostic) raw loop, ${n} sequences / 1 (the engine's batching ceiling) | ${f(ratios.rawLoop8VsSingle, 2)} | | |`);
