// @gorules/zen-engine's runner for bench/peers: the rule set as one decision table (hit policy
// "first", a row per rule in rule order, each cell `contains($, "kw") or …` on the text).
// usage: UV_THREADPOOL_SIZE=1 node zen_peer.mjs DECISION.json TICKETS.jsonl REPETITIONS [INFLIGHT=16]
// The decision is built once (not timed). evaluate() is asynchronous: it runs on libuv's thread
// pool, so awaiting one ticket at a time leaves the core idle between tickets. With one pool
// thread and 16 evaluations in flight the process keeps about one core busy (cpu_per_wall ≈ 1)
// and is 3× faster than one at a time: that is what is reported.
import { readFileSync } from 'node:fs';
import { ZenEngine, ZenDecisionContent } from '@gorules/zen-engine';
import { bench, readTickets } from './peer_common.mjs';

const [decisionPath, ticketsPath, repsArg, inflightArg = '16'] = process.argv.slice(2);
if (!repsArg) {
  console.error('usage: UV_THREADPOOL_SIZE=1 node zen_peer.mjs DECISION.json TICKETS.jsonl REPETITIONS [INFLIGHT]');
  process.exit(2);
}
const texts = readTickets(ticketsPath);
const t0 = process.hrtime.bigint();
const engine = new ZenEngine();
const decision = engine.createDecision(new ZenDecisionContent(readFileSync(decisionPath)));
await decision.evaluate({ text: texts[0] }); // the first evaluation compiles the table
const loadS = Number(process.hrtime.bigint() - t0) / 1e9;
await bench('zen-engine', texts, Number(repsArg), async (text) => {
  const r = await decision.evaluate({ text });
  return (r.result && r.result.category) || 'none';
}, { inflight: Number(inflightArg), load_s: loadS, uv_threadpool_size: process.env.UV_THREADPOOL_SIZE || '4 (default)' });
engine.dispose();
