import { readLines } from "./recs-data.ts";
const lines = await readLines("/work/shared/data/online_retail/train.csv.gz");
const inv = new Map<string, Set<string>>();
for (const l of lines) { let s = inv.get(l.invoice); if (!s) inv.set(l.invoice, s = new Set()); s.add(l.item); }
let pairs = 0, capped = 0; const sizes: number[] = [];
for (const s of inv.values()) { pairs += s.size * (s.size - 1); capped += Math.min(s.size, 50) * (Math.min(s.size, 50) - 1); sizes.push(s.size); }
sizes.sort((a, b) => a - b);
console.log({ invoices: inv.size, items: new Set(lines.map(l => l.item)).size, customers: new Set(lines.map(l => l.customer)).size, pairs, capped, p50: sizes[sizes.length >> 1], p99: sizes[Math.floor(sizes.length * 0.99)], max: sizes[sizes.length - 1] });
