// Loaded with `node --import` into a CLI run the bench measures: writes the process's own peak RSS (VmHWM, kB)
// to $SBOM_HUNT_RSS_FILE at exit. Not resourceUsage().maxRSS, which Linux carries over from the parent.
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.env.SBOM_HUNT_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    writeFileSync(file, hwm?.[1] ?? String(process.resourceUsage().maxRSS));
  });
}
