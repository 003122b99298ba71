// The presenter interface: a small function of (report, stream), one file per format.
import { Chalk, type ChalkInstance } from 'chalk';
import type { Report } from '../../model/report.js';
import type { Verdict } from '../../model/verdict.js';

export interface PresentOptions {
  color: boolean;
  /** Less output: presenters for people drop the full image table and notes; machine formats ignore it. */
  quiet?: boolean;
  /** Terminal columns to fit (presenters for a terminal); none: lines as long as they need. */
  width?: number;
}

export type Output = NodeJS.WritableStream | { write(s: string): unknown };

export type Presenter = (report: Report, out: Output, opts: PresentOptions) => void;

/** A chalk of its own per call: level 0 prints no escapes at all, whatever the terminal or FORCE_COLOR say. */
export function paint(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}

/** The verdict as a word, coloured when colour is on: the word is the signal, the colour only helps. */
export function verdictWord(c: ChalkInstance, v: Verdict, width = 0): string {
  const word = v.toUpperCase().padEnd(width);
  switch (v) {
    case 'affected':
      return c.bold.red(word);
    case 'suspect':
      return c.yellow(word);
    case 'unknown':
      return c.magenta(word);
    case 'clean':
      return c.green(word);
    case 'acknowledged':
      return c.cyan(word);
  }
}

/** Rows padded to their widest cell; the last column is not padded, so lines carry no trailing blanks. */
export function alignColumns(rows: readonly string[][], gap = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join(gap));
}
