// Summarizes bench/ab/run.sh: per side (A = before, B = after) the medians of the per-round results, and B/A ratios
// computed round by round (each round measured A then B back to back), with their median and range.
import { readFileSync, existsSync } from 'node:fs';
const [dir, before] = process.argv.slice(2);
const read = (f) => readFileSync(`${dir}/${f}`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const rows = [
  ['1 stream: decode tok/s', '1', (r) => r.perStreamDecodeTps, true],
  ['1 stream: TTFT p50 (ms)', '1', (r) => r.ttftP50Ms, false],
  ['8 streams: aggregate tok/s', '8', (r) => r.aggregateTps, true],
  ['8 streams: TTFT p50 (ms)', '8', (r) => r.ttftP50Ms, false],
];
const out = [`| measure (stories260K, greedy, 200 tokens; A = ${before}, B = working tree; ${read('a-1.jsonl').length} alternating rounds) | A median | B median | B/A per round: median | range | better when |`, '|---|---:|---:|---:|---:|---|'];
for (const [name, n, get, higher] of rows) {
  const a = read(`a-${n}.jsonl`).map(get), b = read(`b-${n}.jsonl`).map(get);
  const ratios = a.map((x, i) => b[i] / x);
  out.push(`| ${name} | ${median(a).toFixed(1)} | ${median(b).toFixed(1)} | ${median(ratios).toFixed(2)} | ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} | ${higher ? 'higher' : 'lower'} |`);
}
if (existsSync(`${dir}/a-pass.txt`)) {
  // lines: stream rps32 p50_32 rps1 p50_1
  const pass = (side) => readFileSync(`${dir}/${side}-pass.txt`, 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number));
  const a = pass('a'), b = pass('b');
  out.push('', `| pass-through to the stub engine (A = ${before}, B = working tree; ${a.length / 2} alternating rounds per mode) | A median | B median | B/A per round: median | range | better when |`, '|---|---:|---:|---:|---:|---|');
  for (const [mode, s] of [['JSON', 0], ['SSE', 1]]) {
    for (const [name, col, higher] of [['32 connections: req/s', 1, true], ['1 connection: p50 (ms)', 4, false]]) {
      const av = a.filter((r) => r[0] === s).map((r) => r[col]), bv = b.filter((r) => r[0] === s).map((r) => r[col]);
      const ratios = av.map((x, i) => bv[i] / x);
      out.push(`| ${mode} ${name} | ${median(av).toFixed(col === 1 ? 0 : 3)} | ${median(bv).toFixed(col === 1 ? 0 : 3)} | ${median(ratios).toFixed(2)} | ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} | ${higher ? 'higher' : 'lower'} |`);
    }
  }
}
console.log(out.join('\n'));
