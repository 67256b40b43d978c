/**
 * Named points where a test can hold a real command to interleave another with it deterministically (a gc
 * while a training run is about to tokenize, say): with `CODEX_TEST_PAUSE=<point>`, the process announces
 * `paused at <point>` on stderr when it gets there and continues on SIGCONT. Without the variable it is a no-op.
 */
export async function pausePoint(point: string): Promise<void> {
  if (process.env.CODEX_TEST_PAUSE !== point) return;
  const keepAlive = setInterval(() => undefined, 60_000);
  const resumed = new Promise<void>((resolve) => process.once('SIGCONT', () => resolve()));
  process.stderr.write(`paused at ${point}\n`);
  await resumed;
  clearInterval(keepAlive);
}
