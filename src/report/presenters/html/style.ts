// The report's one stylesheet: readable at 3 a.m. on a laptop, in print, and without colour (shapes and words carry the verdict).
export const STYLE = `
:root{--affected:#b00020;--suspect:#9a4a00;--unknown:#6b21a8;--clean:#166534;--line:#d0d4da;--muted:#555;--band:#fde2e4}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:1rem 1.5rem;color:#111;background:#fff}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:2px solid var(--line)}h3{font-size:1.05rem;margin:1.2rem 0 .3rem}
.meta,.muted{color:var(--muted)}
.headlines{list-style:none;padding:0;margin:.5rem 0}
.headlines li{font-size:1.1rem;padding:.35rem .6rem;border-left:6px solid var(--line);margin:.25rem 0;background:#f6f7f9}
.headlines li.has-affected{border-left-color:var(--affected)}
.errors{border:2px solid var(--affected);padding:.5rem 1rem;background:#fff5f5}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:.9rem}
th,td{border-bottom:1px solid var(--line);padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#eef0f3}
td code,li code{font-size:.85em;overflow-wrap:break-word}
.v{font-weight:700;white-space:nowrap}
.v-affected{color:var(--affected)}.v-suspect{color:var(--suspect)}.v-unknown{color:var(--unknown)}.v-clean{color:var(--clean)}
.v::before{display:inline-block;width:1.1em}
.v-affected::before{content:"\\25B2"}.v-suspect::before{content:"\\25C6"}.v-unknown::before{content:"\\25A0"}.v-clean::before{content:"\\25CF"}
#filters{display:flex;flex-wrap:wrap;gap:.6rem 1.2rem;align-items:center;padding:.6rem;border:1px solid var(--line);background:#f6f7f9;position:sticky;top:0;z-index:1}
#filters[hidden]{display:none}
#filters fieldset{border:0;margin:0;padding:0;display:flex;gap:.8rem}
#filters input[type=search]{font:inherit;padding:.25rem .4rem;min-width:18rem}
:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
.filtered{display:none}
svg.timeline{width:100%;height:auto;border:1px solid var(--line);background:#fff}
svg .band{fill:var(--band)}svg .axis{stroke:#888;stroke-width:1}svg text{font:11px system-ui,sans-serif;fill:#222}
svg .affected{fill:var(--affected)}svg .suspect{fill:var(--suspect)}svg .unknown{fill:var(--unknown)}svg .clean{fill:var(--clean)}
.legend{font-size:.85rem;color:var(--muted)}
@media print{
 body{max-width:none;padding:0;font-size:11pt}
 #filters{display:none}
 h2{break-after:avoid}tr,li,svg{break-inside:avoid}
 a[href]::after{content:" (" attr(href) ")";font-size:.8em;color:var(--muted)}
 .headlines li{background:none}
}
`;
