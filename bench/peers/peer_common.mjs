// What the Node peers share: reading a JSON Lines ticket file, timing, reporting.
import { readFileSync } from 'node:fs';

export function readTickets(path) {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l).text);
}

export function median(v) {
  const s = [...v].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
}

// Runs `classify(text) -> Promise<category>` over every text `reps` times with `inflight`
// tickets awaited at once (1: strictly one after the other) and prints the JSON result, with the
// process's CPU time per wall-clock second (cpu_per_wall, the cores it kept busy).
export async function bench(engine, texts, reps, classify, { inflight = 1, ...extra } = {}) {
  const rates = [], cpu = [];
  let first = null;
  for (let r = 0; r < reps; r++) {
    const counts = {};
    let next = 0;
    const worker = async () => {
      while (next < texts.length) {
        const c = await classify(texts[next++]);
        counts[c] = (counts[c] || 0) + 1;
      }
    };
    const cpu0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: inflight }, worker));
    const secs = Number(process.hrtime.bigint() - start) / 1e9;
    const used = process.cpuUsage(cpu0);
    rates.push(texts.length / secs);
    cpu.push((used.user + used.system) / 1e6 / secs);
    const key = JSON.stringify(Object.entries(counts).sort());
    if (first === null) first = key;
    else if (key !== first) {
      console.error(`${engine}: repetitions counted differently`);
      process.exit(1);
    }
    if (r === reps - 1) {
      console.log(JSON.stringify({ engine, tickets: texts.length, repetitions: reps,
        tickets_per_s: median(rates), cpu_per_wall: median(cpu), inflight, ...extra, counts }));
    }
  }
}
