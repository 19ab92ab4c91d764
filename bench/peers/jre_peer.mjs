// json-rules-engine's runner for bench/peers: one rule per keyword rule, `any` of
// {fact: "text", operator: "textIncludes", value: kw} (a custom operator: String.includes; the
// built-in "contains" only takes arrays), priorities in rule order. The first rule to succeed
// records its category and stops the engine, so lower priorities are not evaluated (this was
// faster at every scale than one shared priority and picking the smallest successful index).
// usage: node jre_peer.mjs RULES.json TICKETS.jsonl REPETITIONS
// The engine is built once (not timed); each ticket is one awaited run().
import { readFileSync } from 'node:fs';
import { Engine } from 'json-rules-engine';
import { bench, readTickets } from './peer_common.mjs';

const [rulesPath, ticketsPath, repsArg] = process.argv.slice(2);
if (!repsArg) {
  console.error('usage: node jre_peer.mjs RULES.json TICKETS.jsonl REPETITIONS');
  process.exit(2);
}
const texts = readTickets(ticketsPath);
const t0 = process.hrtime.bigint();
const engine = new Engine([], { allowUndefinedFacts: true });
engine.addOperator('textIncludes', (fact, kw) => typeof fact === 'string' && fact.includes(kw));
let found = null;
for (const rule of JSON.parse(readFileSync(rulesPath, 'utf8'))) {
  rule.onSuccess = (event) => {
    if (found === null) {
      found = event.params.category;
      engine.stop();
    }
  };
  engine.addRule(rule);
}
const loadS = Number(process.hrtime.bigint() - t0) / 1e9;
await bench('json-rules-engine', texts, Number(repsArg), async (text) => {
  found = null;
  await engine.run({ text });
  return found || 'none';
}, { load_s: loadS });
