// GitHub code scanning's documented SARIF requirements and limits ("SARIF support for code scanning" and
// "Uploading a SARIF file to GitHub", docs.github.com), as a checker that returns every problem it finds.

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" (RFC 3986 3.1). A relative reference has none. */
export const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** RFC 3986 relative-ref with no query or fragment: pchars, `/`, percent-escapes; no colon before the first `/`. */
const RELATIVE_PATH = /^(?:\/(?!\/)|(?![^/]*:))(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/;

export function relativeUriProblems(uri: string): string[] {
  const problems: string[] = [];
  if (SCHEME.test(uri)) problems.push(`uri ${JSON.stringify(uri)} parses as having a scheme`);
  if (!RELATIVE_PATH.test(uri)) problems.push(`uri ${JSON.stringify(uri)} is not an RFC 3986 relative path reference`);
  try {
    const u = new URL(uri, 'file:///base/');
    if (u.protocol !== 'file:' || u.host !== '') problems.push(`uri ${JSON.stringify(uri)} resolves to ${u.href}, off the base`);
  } catch {
    problems.push(`uri ${JSON.stringify(uri)} does not resolve against file:///base/`);
  }
  return problems;
}

const LIMITS = { runs: 20, resultsPerRun: 25_000, rulesPerRun: 25_000, locationsPerResult: 1_000, tagsPerRule: 20 };

function ruleProblems(rule: Any, where: string): string[] {
  const p: string[] = [];
  if (typeof rule.id !== 'string' || rule.id === '') p.push(`${where}: no id`);
  if (!rule.shortDescription?.text) p.push(`${where}: no shortDescription.text`);
  if (!rule.fullDescription?.text) p.push(`${where}: no fullDescription.text`);
  if (!rule.help?.text || !rule.help?.markdown) p.push(`${where}: help needs text and markdown`);
  const sev = rule.properties?.['security-severity'];
  // GitHub: a string holding a number from 0.0 to 10.0, read only when the rule is tagged "security".
  if (typeof sev !== 'string' || !/^\d+(\.\d+)?$/.test(sev) || Number(sev) > 10) p.push(`${where}: security-severity ${JSON.stringify(sev)} is not "0.0".."10.0"`);
  const tags = rule.properties?.tags ?? [];
  if (!tags.includes('security')) p.push(`${where}: not tagged security, so security-severity is ignored`);
  if (tags.length > LIMITS.tagsPerRule) p.push(`${where}: more than ${LIMITS.tagsPerRule} tags`);
  return p;
}

function resultProblems(r: Any, rules: Any[], fingerprints: Set<string>, where: string): string[] {
  const p: string[] = [];
  if (!r.message?.text) p.push(`${where}: no message.text`);
  if (typeof r.ruleId !== 'string') p.push(`${where}: no ruleId`);
  if (r.ruleIndex !== undefined && rules[r.ruleIndex]?.id !== r.ruleId) p.push(`${where}: ruleIndex ${r.ruleIndex} is not rule ${r.ruleId}`);
  if (!rules.some((rule) => rule.id === r.ruleId)) p.push(`${where}: ruleId ${r.ruleId} has no rule`);
  const locs = r.locations ?? [];
  if (locs.length === 0) p.push(`${where}: no locations`);
  if (locs.length > LIMITS.locationsPerResult) p.push(`${where}: more than ${LIMITS.locationsPerResult} locations`);
  for (const [i, loc] of locs.entries()) {
    const pl = loc.physicalLocation;
    if (typeof pl?.artifactLocation?.uri !== 'string') p.push(`${where}.locations[${i}]: no artifactLocation.uri`);
    else p.push(...relativeUriProblems(pl.artifactLocation.uri).map((e) => `${where}.locations[${i}]: ${e}`));
    if (!Number.isInteger(pl?.region?.startLine) || pl.region.startLine < 1) p.push(`${where}.locations[${i}]: no region.startLine`);
  }
  const fps = Object.values(r.partialFingerprints ?? {}) as string[];
  if (fps.length === 0) p.push(`${where}: no partialFingerprints`);
  for (const fp of fps) {
    if (fingerprints.has(fp)) p.push(`${where}: fingerprint ${fp} repeats, so GitHub merges two alerts`);
    fingerprints.add(fp);
  }
  return p;
}

export function githubSarifProblems(log: Any): string[] {
  const p: string[] = [];
  if (log.version !== '2.1.0') p.push('version is not 2.1.0');
  if (typeof log.$schema !== 'string') p.push('no $schema');
  if (!Array.isArray(log.runs) || log.runs.length > LIMITS.runs) return [...p, 'runs missing or over 20'];
  for (const [ri, run] of log.runs.entries()) {
    const where = `runs[${ri}]`;
    if (!run.tool?.driver?.name) p.push(`${where}: no tool.driver.name`);
    const rules = run.tool?.driver?.rules ?? [];
    if (rules.length > LIMITS.rulesPerRun) p.push(`${where}: over ${LIMITS.rulesPerRun} rules`);
    if (new Set(rules.map((r: Any) => r.id)).size !== rules.length) p.push(`${where}: rule ids repeat`);
    rules.forEach((rule: Any, i: number) => p.push(...ruleProblems(rule, `${where}.rules[${i}]`)));
    if (typeof run.automationDetails?.id !== 'string' || run.automationDetails.id === '') p.push(`${where}: no automationDetails.id`);
    if (typeof run.invocations?.[0]?.executionSuccessful !== 'boolean') p.push(`${where}: no invocations[0].executionSuccessful`);
    const results = run.results ?? [];
    if (results.length > LIMITS.resultsPerRun) p.push(`${where}: over ${LIMITS.resultsPerRun} results`);
    const fps = new Set<string>();
    results.forEach((r: Any, i: number) => p.push(...resultProblems(r, rules, fps, `${where}.results[${i}]`)));
  }
  return p;
}

/** Both checks a log must pass before upload: the OASIS 2.1.0 schema (vendored) and GitHub's requirements above. */
export async function sarifUploadProblems(log: unknown): Promise<string[]> {
  const { Ajv } = await import('ajv');
  const addFormats = (await import('ajv-formats')).default.default;
  const { readFileSync } = await import('node:fs');
  const schema = JSON.parse(readFileSync(new URL('./sarif-schema-2.1.0.json', import.meta.url), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  const schemaProblems = validate(log) ? [] : [`schema: ${ajv.errorsText(validate.errors)}`];
  return [...schemaProblems, ...githubSarifProblems(log)];
}
