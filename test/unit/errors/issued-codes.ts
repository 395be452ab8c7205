/**
 * The rules of a code's life (ARCHITECTURE.md §4: a retired code is never reused), as a pure check over the list of
 * codes ever issued (issued-codes.json) and the registries, so that the test can also show it failing.
 */
export interface IssuedCodes {
  readonly faults: readonly { readonly code: string; readonly wireCode: string }[];
  readonly internal: readonly string[];
}

export interface FaultEntry { readonly wireCode: string; readonly retired?: object }

export function issuedCodeProblems(
  issued: IssuedCodes, faults: Readonly<Record<string, FaultEntry>>, internal: Readonly<Record<string, unknown>>
): string[] {
  const problems: string[] = [];
  const issuedFaults = new Map(issued.faults.map((f) => [f.code, f.wireCode]));
  const issuedInternal = new Set(issued.internal);
  for (const [code, wireCode] of issuedFaults) {
    const entry = faults[code];
    if (!entry) problems.push(`${code} was issued and is gone from the fault registry: mark it retired instead`);
    else if (entry.wireCode !== wireCode) problems.push(`${code} went out as ${wireCode} and now says ${entry.wireCode}: a wire code never changes`);
  }
  for (const code of issuedInternal) if (!Object.hasOwn(internal, code)) problems.push(`${code} was issued and is gone from internal-codes.ts: mark it retired instead`);
  for (const code of Object.keys(faults)) if (!issuedFaults.has(code)) problems.push(`${code} is new: add it to issued-codes.json`);
  for (const code of Object.keys(internal)) if (!issuedInternal.has(code)) problems.push(`${code} is new: add it to issued-codes.json`);
  // A wire code is one entry's for ever: a retired one's included, so a client never reads an old code in a new sense.
  const owner = new Map<string, string>();
  for (const { code, wireCode } of issued.faults) {
    const first = owner.get(wireCode);
    if (first !== undefined && first !== code) problems.push(`wire code ${wireCode} belongs to ${first} and is given again to ${code}`);
    else owner.set(wireCode, code);
  }
  for (const [code, entry] of Object.entries(faults)) {
    const first = owner.get(entry.wireCode);
    if (first !== undefined && first !== code) {
      problems.push(`wire code ${entry.wireCode} belongs to ${first}${faults[first]?.retired ? ' (retired)' : ''} and is given again to ${code}`);
    } else owner.set(entry.wireCode, code);
  }
  for (const code of Object.keys(internal)) if (Object.hasOwn(faults, code)) problems.push(`${code} is both a fault code and an internal code`);
  return [...new Set(problems)];
}
