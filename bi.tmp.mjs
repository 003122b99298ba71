import { loadIocs } from '/work/main/dist/src/iocs/index.js';
import { buildIocIndex } from '/work/main/dist/src/match/ioc-index.js';
const set = await loadIocs(['/tmp/fleet/feed.yaml'], () => {});
for (let i = 0; i < 5; i++) { const t = performance.now(); buildIocIndex(set); console.log('index', (performance.now() - t).toFixed(0), 'ms'); }
