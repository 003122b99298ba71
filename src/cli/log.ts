// `-v/--verbose` and `--debug`: what the run is doing, on stderr only (stdout holds the report).
import { setToolTraceSink } from '../adapters/exec.js';
import { escapeControl } from '../report/terminal-safe.js';

export type LogLevel = 0 | 1 | 2;
let level: LogLevel = 0;
let sink: (line: string) => void = () => {};

/** 1: verbose (how each source was read, each image's verdict); 2: debug (also every external command, stacks). */
export function setLogLevel(l: LogLevel, write: (line: string) => void): void {
  level = l;
  sink = write;
  setToolTraceSink(l >= 2 ? (m) => logDebug(m) : undefined);
}

export function logLevel(): LogLevel {
  return level;
}

export function logVerbose(message: string): void {
  if (level >= 1) sink(`sbom-hunt: ${escapeControl(message)}\n`);
}

export function logDebug(message: string): void {
  if (level >= 2) sink(`sbom-hunt: debug: ${escapeControl(message)}\n`);
}
