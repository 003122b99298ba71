// Verdicts and their order: worst wins.

export const VERDICTS = ['clean', 'unknown', 'suspect', 'affected'] as const;
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
