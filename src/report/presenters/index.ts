// Every report format, by the name `--format` takes; `check` prints with the terse presenter instead of the table.
import { cyclonedxPresenter } from './cyclonedx.js';
import { htmlPresenter } from './html.js';
import { jsonPresenter } from './json.js';
import { markdownPresenter } from './markdown.js';
import type { Presenter } from './presenter.js';
import { sarifPresenter } from './sarif.js';
import { spdxJsonPresenter } from './spdx-json.js';
import { tablePresenter } from './table.js';
import { tersePresenter } from './terse.js';

export const presenters = {
  table: tablePresenter,
  json: jsonPresenter,
  markdown: markdownPresenter,
  sarif: sarifPresenter,
  html: htmlPresenter,
  cyclonedx: cyclonedxPresenter,
  'spdx-json': spdxJsonPresenter,
} satisfies Record<string, Presenter>;

export type ReportFormat = keyof typeof presenters;

export { tersePresenter };
export type { Presenter, PresentOptions, Output } from './presenter.js';
