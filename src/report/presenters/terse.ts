// `sbom-hunt check`: one entry per image and a summary line, for CI logs and quick looks; wrapped to a terminal's width.
import { digestOf, headline, imageWhy, refLabel } from '../describe.js';
import { fitLine, fitText } from './fit.js';
import { paint, verdictWord, type Presenter } from './presenter.js';

const VERDICT_WIDTH = 'AFFECTED'.length;
const HANG = ' '.repeat(VERDICT_WIDTH + 2);

/** `quiet` leaves out the clean images; the summary line still counts them. */
export const tersePresenter: Presenter = (report, out, opts) => {
  const c = paint(opts.color);
  const lines: string[] = [];
  for (const img of report.images) {
    if (opts.quiet && img.verdict === 'clean') continue;
    // An unknown image keeps the digest its tag resolved to, so on-call can pin what could not be read.
    const digest = digestOf(img);
    const pin = img.verdict === 'unknown' && digest && !img.ref.endsWith(digest) ? ` (${digest})` : '';
    const label = refLabel(img, true);
    const segs = [
      { text: verdictWord(c, img.verdict, VERDICT_WIDTH), keep: true },
      { text: '  ' },
      { text: img.ref, keep: true },
      { text: `${label.slice(img.ref.length)}${pin} — ${imageWhy(img)}` },
    ];
    lines.push(...fitLine(segs, opts.width, '', HANG));
  }
  for (const e of report.errors) lines.push(...fitLine([{ text: c.red('ERROR'.padEnd(VERDICT_WIDTH)), keep: true }, { text: `  ${e}` }], opts.width, '', HANG));
  lines.push(...fitText(headline(report.summary), opts.width, '', '  '));
  out.write(lines.join('\n') + '\n');
};
