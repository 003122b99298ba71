// `sbom-hunt check`: one line per image and a summary line, for CI logs and quick looks.
import { headline, imageWhy, refLabel } from '../describe.js';
import { paint, verdictWord, type Presenter } from './presenter.js';

const VERDICT_WIDTH = 'AFFECTED'.length;

/** `quiet` leaves out the clean images; the summary line still counts them. */
export const tersePresenter: Presenter = (report, out, opts) => {
  const c = paint(opts.color);
  const lines: string[] = [];
  for (const img of report.images) {
    if (opts.quiet && img.verdict === 'clean') continue;
    // An unknown image keeps the digest its tag resolved to, so on-call can pin what could not be read.
    const pin = img.verdict === 'unknown' && img.digest ? ` (${img.digest})` : '';
    lines.push(`${verdictWord(c, img.verdict, VERDICT_WIDTH)}  ${refLabel(img, true)}${pin} — ${imageWhy(img)}`);
  }
  for (const e of report.errors) lines.push(`${c.red('ERROR'.padEnd(VERDICT_WIDTH))}  ${e}`);
  lines.push(headline(report.summary));
  out.write(lines.join('\n') + '\n');
};
