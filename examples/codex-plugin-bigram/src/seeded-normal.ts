/**
 * Normal samples from a seed (mulberry32 and Box–Muller): the same seed gives the same initial weights on every
 * machine, which `Math.random` would not.
 */
export function seededNormals(seed: number, count: number, std: number): Float32Array {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    // In (0, 1): never 0, so the logarithm below is finite.
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const values = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(uniform())) * std;
    const angle = 2 * Math.PI * uniform();
    values[i] = radius * Math.cos(angle);
    if (i + 1 < count) values[i + 1] = radius * Math.sin(angle);
  }
  return values;
}
