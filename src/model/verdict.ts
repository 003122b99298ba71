// Verdicts and their order: worst wins.

/**
 * `acknowledged`: every finding of the image was checked by a person (an ignore-file entry or an OpenVEX
 * `not_affected` statement in force). It ranks above clean, so it is never mistaken for it, and below unknown,
 * so no `--fail-on` gate fails on it.
 */
export const VERDICTS = ['clean', 'acknowledged', 'unknown', 'suspect', 'affected'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Severity rank: higher is worse. */
export function verdictRank(v: Verdict): number {
  return VERDICTS.indexOf(v);
}

export function worstVerdict(vs: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'clean';
  for (const v of vs) if (verdictRank(v) > verdictRank(worst)) worst = v;
  return worst;
}
