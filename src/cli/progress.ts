// Progress on stderr while a scan runs: images done of total and what is being tried now, only on a terminal.
import type { Ora } from 'ora';
import type { Target } from '../model/target.js';

export interface ProgressIo {
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
}

export interface Progress {
  inventory(total: number): void;
  stage(target: Target, link: string): void;
  imageDone(done: number, total: number, ref: string): void;
  /** Writes a line above the spinner, so warnings and progress do not garble each other. */
  print(line: string): void;
  stop(): void;
}

/** The spinner's line: counts first (they matter most on a narrow terminal), then the latest stage. */
export function progressText(s: { done: number; total?: number; current?: string }): string {
  if (s.total === undefined) return 'finding images';
  const counts = `${s.done}/${s.total} images`;
  return s.current ? `${counts} · ${s.current}` : counts;
}

/**
 * A spinner when stderr is a terminal of known width and the run is interactive; undefined under
 * --quiet, CI, a pipe or a file. A pseudo-terminal of width 0 (some CI runners) counts as no terminal.
 */
export async function startProgress(quiet: boolean, io: ProgressIo): Promise<Progress | undefined> {
  if (quiet || io.env.CI || !io.stderr.isTTY || !(io.stderr.columns && io.stderr.columns > 0)) return undefined;
  // Loaded only for a person at a terminal: CI runs and scripts do not pay for it at startup.
  const { default: ora } = await import('ora');
  const spinner: Ora = ora({ text: progressText({ done: 0 }), stream: io.stderr }).start();
  const state: { done: number; total?: number; current?: string } = { done: 0 };
  const show = () => (spinner.text = progressText(state));
  return {
    inventory(total) {
      state.total = total;
      show();
    },
    stage(target, link) {
      state.current = `${target.ref}: ${link}`;
      show();
    },
    imageDone(done, total) {
      state.done = done;
      state.total = total;
      show();
    },
    print(line) {
      spinner.clear();
      io.stderr.write(line);
      spinner.render();
    },
    stop() {
      spinner.stop();
    },
  };
}
