// Prints the gateway benchmark as markdown tables: wrk results (stub direct / OpenMaaS / Portkey) and the llama-server
// rounds (median over rounds), with the ratios the targets are stated in.
// usage: node summarize.mjs results.txt llama.jsonl
import { readFileSync } from 'node:fs';

const [resultsFile, llamaFile] = process.argv.slice(2);
const rows = readFileSync(resultsFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => {
  const [target, conns, stream, rps, p50, p99, errors, non2xx] = l.split(' ');
  return { target, conns: +conns, stream: stream === '1', rps: +rps, p50: +p50, p99: +p99, errors: +errors, non2xx: +non2xx };
});
const find = (t, c, s) => rows.find((r) => r.target === t && r.conns === c && r.stream === s);
const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');

console.log('| mode | connections | target | RPS | p50 ms | p99 ms | errors / non-2xx |');
console.log('|---|---:|---|---:|---:|---:|---|');
for (const s of [false, true]) {
  for (const c of [32, 1]) {
    for (const t of ['direct', 'openmaas', 'portkey']) {
      const r = find(t, c, s);
      if (r) console.log(`| ${s ? 'SSE' : 'JSON'} | ${c} | ${t} | ${f(r.rps, 0)} | ${f(r.p50)} | ${f(r.p99)} | ${r.errors} / ${r.non2xx} |`);
    }
  }
}
console.log('\n| mode | OpenMaaS RPS / Portkey RPS (32 conn.) | added p50 ms, 1 conn. (OpenMaaS / Portkey) | added p99 ms, 1 conn. (OpenMaaS / Portkey) |');
console.log('|---|---:|---|---|');
for (const s of [false, true]) {
  const d1 = find('direct', 1, s), o1 = find('openmaas', 1, s), p1 = find('portkey', 1, s);
  const o32 = find('openmaas', 32, s), p32 = find('portkey', 32, s);
  if (!d1 || !o1 || !p1 || !o32 || !p32) continue;
  console.log(`| ${s ? 'SSE' : 'JSON'} | ${f(o32.rps / p32.rps, 1)}x | ${f(o1.p50 - d1.p50)} / ${f(p1.p50 - d1.p50)} | ${f(o1.p99 - d1.p99)} / ${f(p1.p99 - d1.p99)} |`);
}

const llama = llamaFile ? readFileSync(llamaFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
if (llama.length) {
  const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };
  console.log('\n| llama-server, stories260K, 200 tokens | streams | aggregate tok/s (median of rounds) | per-stream decode tok/s | TTFT p50 ms | rounds |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const agg = {};
  for (const target of ['direct', 'openmaas']) {
    for (const streams of [1, 8]) {
      const rs = llama.filter((x) => x.target === target && x.streams === streams).map((x) => x.r);
      if (!rs.length) continue;
      agg[`${target}${streams}`] = med(rs.map((r) => r.aggregateTps));
      console.log(`| ${target === 'direct' ? 'direct' : 'through OpenMaaS'} | ${streams} | ${f(agg[`${target}${streams}`], 0)} | ${f(med(rs.map((r) => r.perStreamDecodeTps)), 0)} | ${f(med(rs.map((r) => r.ttftP50Ms)))} | ${rs.length} |`);
    }
  }
  for (const streams of [1, 8]) {
    if (agg[`direct${streams}`]) console.log(`\nThrough OpenMaaS / direct, ${streams} stream(s): ${f(agg[`openmaas${streams}`] / agg[`direct${streams}`])}x aggregate tok/s`);
  }
}
