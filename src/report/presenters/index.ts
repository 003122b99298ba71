// Every report format, by the name `--format` takes; `check` prints with the terse presenter instead of the table.
import { htmlPresenter } from './html.js';
import { jsonPresenter } from './json.js';
import { markdownPresenter } from './markdown.js';
import type { Presenter } from './presenter.js';
import { sarifPresenter } from './sarif.js';
import { tablePresenter } from './table.js';
import { tersePresenter } from './terse.js';

export const presenters = {
  table: tablePresenter,
  json: jsonPresenter,
  markdown: markdownPresenter,
  sarif: sarifPresenter,
  html: htmlPresenter,
} satisfies Record<string, Presenter>;

export type ReportFormat = keyof typeof presenters;

export { tersePresenter };
export type { Presenter, PresentOptions, Output } from './presenter.js';
