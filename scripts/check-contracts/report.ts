/** The report of check-contracts: tasks run a few at a time, their lines printed in order as soon as they are known. */

/** One line of the report (✔/✘ and its label), with its reasons indented below it. */
export interface Outcome {
  readonly ok: boolean;
  readonly label: string;
  readonly reasons: readonly string[];
  /** Set on the line that reports libxml2 and Xerces disagreeing: the document or schema concerned. */
  readonly disagreement?: string;
}

/** A unit of work (usually one document or schema, both engines): one or more lines. */
export interface Task {
  readonly label: string;
  run(): Promise<Outcome[]>;
}

export const failed = (label: string, ...reasons: string[]): Task => ({ label, run: async () => [{ ok: false, label, reasons }] });

export function print(o: Outcome): void {
  process.stdout.write(`${o.ok ? '✔' : '✘'} ${o.label}\n`);
  for (const reason of o.reasons) process.stdout.write(`    ${reason}\n`);
}

/**
 * Runs the tasks `concurrency` at a time (each Xerces call starts a JVM) and prints their lines in the tasks' order
 * as soon as every task before them is done. On a terminal, a progress counter is kept on stderr meanwhile.
 */
export async function runAll(tasks: readonly Task[], concurrency: number): Promise<Outcome[]> {
  const results: Array<Outcome[] | undefined> = new Array<Outcome[] | undefined>(tasks.length);
  const progress = process.stderr.isTTY === true;
  let next = 0;
  let printed = 0;
  let done = 0;
  const flush = (): void => {
    if (progress) process.stderr.write('\r\x1b[K');
    while (printed < tasks.length && results[printed] !== undefined) results[printed++]!.forEach(print);
    if (progress && done < tasks.length) process.stderr.write(`… ${done}/${tasks.length} checks done`);
  };
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      const task = tasks[i]!;
      results[i] = await task.run().catch((e: unknown): Outcome[] => [{ ok: false, label: `${task.label}: failed`, reasons: [(e as Error).message] }]);
      done++;
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, tasks.length)) }, worker));
  flush();
  return results.flatMap((r) => r ?? []);
}
