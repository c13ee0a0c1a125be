// The grammar part of bench/llm/run.sh (PARTS=grammar): /v1/chat/completions free and under a json_schema, 1 stream,
// OpenMaaS and llama-server in the same rounds. Files in --dir, sse-client.mjs output per round:
//   gfree.jsonl, gschema.jsonl     OpenMaaS free / under the schema
//   lgfree.jsonl, lgschema.jsonl   llama-server free / under the schema (absent when it was not run)
// Goals (issue 17): the grammar costs at most 20% of free-text tok/s for the same length, and OpenMaaS under the
// grammar is at least as fast as llama-server under the same schema.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({ options: Object.fromEntries(['dir', 'rounds', 'reps', 'tokens', 'schema'].map((k) => [k, { type: 'string' }])) });
const jsonl = (name) => { const p = join(a.dir, name); return existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)) : []; };
const med = (xs) => { const s = xs.filter(Number.isFinite).sort((x, y) => x - y); const m = s.length >> 1; return s.length === 0 ? null : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const part = (name) => {
  const rows = jsonl(name), runs = rows.flatMap((r) => r.runs);
  return { runs: runs.length, decodeTps: med(runs.map((r) => r.perStreamDecodeTps)), endToEndTps: med(runs.map((r) => r.aggregateTps)),
    ttftP50Ms: med(runs.flatMap((r) => r.ttftMs)), completionTokens: rows[0]?.completionTokens ?? null, textStart: rows[0]?.textStart ?? null };
};
const o = { free: part('gfree.jsonl'), schema: part('gschema.jsonl') }, l = { free: part('lgfree.jsonl'), schema: part('lgschema.jsonl') };
const ratio = (x, y) => (x && y ? Math.round((x / y) * 100) / 100 : null);
const ratios = {
  openmaasGrammarVsFree: ratio(o.schema.endToEndTps, o.free.endToEndTps), // goal ≥ 0.8
  llamaServerGrammarVsFree: ratio(l.schema.endToEndTps, l.free.endToEndTps),
  grammarOpenmaasVsLlamaServer: ratio(o.schema.endToEndTps, l.schema.endToEndTps), // goal ≥ 1
  freeOpenmaasVsLlamaServer: ratio(o.free.endToEndTps, l.free.endToEndTps),
};
console.log(JSON.stringify({ date: new Date().toISOString(), rounds: Number(a.rounds), reps: Number(a.reps), schema: JSON.parse(a.schema), openmaas: o, llamaServer: l, ratios }, null, 2));
const f = (x, d = 1) => (x == null ? 'n/a' : x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const row = (who, kind, p) => `| ${who} | ${kind} | ${p.completionTokens ?? 'n/a'} | ${f(p.endToEndTps)} | ${f(p.decodeTps)} | ${f(p.ttftP50Ms, 2)} | ${p.runs} |`;
console.log(`
| server | decoding | completion tokens | end-to-end tok/s | decode tok/s | TTFT p50 ms | runs |
|---|---|---:|---:|---:|---:|---:|
${row('OpenMaaS', 'free', o.free)}
${row('OpenMaaS', 'json_schema', o.schema)}
${row('llama-server', 'free', l.free)}
${row('llama-server', 'json_schema', l.schema)}

| ratio (end-to-end tok/s, medians) | value | goal |
|---|---:|---|
| OpenMaaS json_schema / free | ${f(ratios.openmaasGrammarVsFree, 2)} | ≥ 0.80: ${ratios.openmaasGrammarVsFree == null ? 'n/a' : ratios.openmaasGrammarVsFree >= 0.8 ? 'met' : 'missed'} |
| llama-server json_schema / free | ${f(ratios.llamaServerGrammarVsFree, 2)} | |
| OpenMaaS / llama-server, json_schema | ${f(ratios.grammarOpenmaasVsLlamaServer, 2)} | ≥ 1: ${ratios.grammarOpenmaasVsLlamaServer == null ? 'n/a' : ratios.grammarOpenmaasVsLlamaServer >= 1 ? 'met' : 'missed'} |
| OpenMaaS / llama-server, free (control) | ${f(ratios.freeOpenmaasVsLlamaServer, 2)} | |`);
