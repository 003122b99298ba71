// `npm run bench`: speed and memory figures, printed as one table. Targets live here, never in timed unit tests.
import { benchMatch } from './match.js';
import { benchExtract } from './extract.js';
import { benchOsvFeed } from './osv.js';
import { benchImages } from './images.js';
import { benchFleet } from './fleet.js';
import { benchLayout } from './layout.js';
import { benchFileIocs } from './file-iocs.js';
import { benchSbomFleet } from './sbom-fleet.js';
import { benchStartup } from './startup.js';
import { benchIocLoad } from './ioc-load.js';
import { benchDebianImage } from './debian-image.js';

export interface BenchRow {
  name: string;
  value: string;
  note?: string;
}

type Bench = { title: string; run: () => Promise<BenchRow[]> };

const BENCHES: Bench[] = [
  { title: 'matching', run: benchMatch },
  { title: 'extract', run: benchExtract },
  // Images before osv: the OSV bench writes an 85 MB zip in process, which would own the peak-RSS figures.
  { title: 'images', run: benchImages },
  { title: 'fleet', run: benchFleet },
  { title: 'layout', run: benchLayout },
  { title: 'file-iocs', run: benchFileIocs },
  { title: 'sbom-fleet', run: benchSbomFleet },
  { title: 'startup', run: benchStartup },
  { title: 'osv', run: benchOsvFeed },
  { title: 'ioc-load', run: benchIocLoad },
  { title: 'debian-image', run: benchDebianImage },
];

function printTable(rows: BenchRow[]): void {
  const w0 = Math.max(...rows.map((r) => r.name.length), 4);
  const w1 = Math.max(...rows.map((r) => r.value.length), 5);
  const line = (a: string, b: string, c: string) => console.log(`| ${a.padEnd(w0)} | ${b.padStart(w1)} | ${c}`);
  line('what', 'value', 'note');
  line('-'.repeat(w0), '-'.repeat(w1), '----');
  for (const r of rows) line(r.name, r.value, r.note ?? '');
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const rows: BenchRow[] = [];
  for (const b of BENCHES) {
    if (only && b.title !== only) continue;
    console.error(`running ${b.title} ...`);
    rows.push(...(await b.run()));
  }
  rows.push({ name: 'peak RSS of the bench process', value: `${Math.round(process.resourceUsage().maxRSS / 1024)} MB` });
  console.log(`\nsbom-hunt bench · node ${process.version} · ${new Date().toISOString()}\n`);
  printTable(rows);
}

await main();
