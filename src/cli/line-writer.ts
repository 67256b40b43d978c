/**
 * Writes lines to stdout honouring backpressure, so streaming a large file through a slow pipe keeps memory
 * flat instead of buffering every line.
 */
export async function writeLine(line: string): Promise<void> {
  if (process.stdout.write(`${line}\n`)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      process.stdout.off('drain', done);
      process.stdout.off('error', done);
      if (error) reject(error);
      else resolve();
    };
    process.stdout.once('drain', done);
    process.stdout.once('error', done);
  });
}
