import {setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';

let collector: (() => void) | null | undefined;

/**
 * V8's full garbage collection, when the runtime allows it: `global.gc` under `--expose-gc`, otherwise the flag
 * turned on at run time and `gc` taken from a new context. Without it, a hasher that allocates a temporary per
 * chunk would look like one that keeps its input: unreachable buffers count in the resident set until V8 gets
 * round to collecting them.
 */
function fullCollection(): (() => void) | null {
  if (collector !== undefined) return collector;
  const exposed = (globalThis as {gc?: unknown}).gc;
  if (typeof exposed === 'function') {
    collector = exposed as () => void;
    return collector;
  }
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    collector = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    collector = null;
  }
  return collector;
}

/** Bytes of the resident set still in use: measured after a full collection where one can be triggered. */
export function retainedResidentBytes(): number {
  fullCollection()?.();
  return process.memoryUsage.rss();
}
