/**
 * The few parts of a test runner's execution context a conformance suite uses. Structural, so that core does
 * not depend on a test runner: ava's `t`, or any object with these methods, fits.
 */
export interface ConformanceContext {
  pass(message?: string): void;
  fail(message?: string): void;
  log(...values: unknown[]): void;
}

/**
 * A test-registering function such as ava's default export: `test(title, implementation)`. Suites register
 * one test per invariant, so a report lists every invariant and which ones an implementation breaks.
 */
export type ConformanceTest = (title: string, implementation: (t: ConformanceContext) => Promise<void>) => void;

/** Thrown by a check when an implementation breaks an invariant; `invariant` is the invariant's name. */
export class ConformanceViolation extends Error {
  override readonly name = 'ConformanceViolation';

  constructor(
    readonly invariant: string,
    detail: string,
  ) {
    super(detail);
  }
}

/** One invariant and the check that proves it; a check throws (anything) when the invariant does not hold. */
export interface Invariant {
  readonly name: string;
  readonly check: (context: ConformanceContext) => Promise<void> | void;
}

/** The message a failing invariant reports: what broke it, which invariant, and why. */
export function violationMessage(subject: string, invariant: string, error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  return `${subject} violates the conformance invariant "${invariant}": ${detail.split('\n')[0] ?? detail}`;
}

/**
 * Registers one test per invariant, titled `<subject> › <invariant>`. A failing check fails its test with
 * `violationMessage`, so the runner's report names the invariant instead of a bare assertion.
 */
export function registerInvariants(test: ConformanceTest, subject: string, invariants: readonly Invariant[]): void {
  for (const invariant of invariants) {
    test(`${subject} › ${invariant.name}`, async (t) => {
      try {
        await invariant.check(t);
      } catch (error) {
        t.fail(violationMessage(subject, invariant.name, error));
        return;
      }
      t.pass();
    });
  }
}

/** Outcome of one invariant when a suite is run without a test runner. */
export interface InvariantResult {
  readonly invariant: string;
  readonly ok: boolean;
  /** `violationMessage` when the invariant does not hold. */
  readonly message?: string;
}

/**
 * Runs invariants directly, one after the other, and returns every result: for scripts, REPL checks and
 * tests of the suites themselves.
 */
export async function runInvariants(subject: string, invariants: readonly Invariant[]): Promise<InvariantResult[]> {
  const results: InvariantResult[] = [];
  const context: ConformanceContext = {pass() {}, fail() {}, log() {}};
  for (const invariant of invariants) {
    try {
      await invariant.check(context);
      results.push({invariant: invariant.name, ok: true});
    } catch (error) {
      results.push({invariant: invariant.name, ok: false, message: violationMessage(subject, invariant.name, error)});
    }
  }
  return results;
}

/** Throws a violation of `invariant` unless `condition` holds. */
export function ensure(condition: boolean, invariant: string, detail: string): asserts condition {
  if (!condition) throw new ConformanceViolation(invariant, detail);
}

/** Throws unless `run` throws; returns what it threw. */
export function expectThrow(run: () => unknown, invariant: string, detail: string): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new ConformanceViolation(invariant, detail);
}

/** Shortens a value for messages. */
export function show(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
