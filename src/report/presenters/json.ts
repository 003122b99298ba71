// The report as JSON: the versioned contract in docs/report-schema.md, re-readable by `report merge`.
import type { Presenter } from './presenter.js';

/** Key order is the order buildReport writes (fixed), so two runs over the same fleet diff cleanly. */
export const jsonPresenter: Presenter = (report, out) => {
  out.write(JSON.stringify(report, null, 2) + '\n');
};
