import {CodexError, ExitCode} from '@codex-ml/core';
import type {SeededRandom} from '@codex-ml/core';

/** How the next token is chosen from the model's logits. */
export interface SamplingOptions {
  /** 0 = greedy (argmax); otherwise logits are divided by it before the softmax. */
  readonly temperature: number;
  /** Keep only the k most likely tokens; 0 = no limit. */
  readonly topK: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (nucleus); 1 = no limit. */
  readonly topP: number;
}

/** A chosen token and its log-probability under the model (log-softmax of the raw logits, before sampling). */
export interface SampledToken {
  readonly id: number;
  readonly logprob: number;
}

/** Checks sampling options; each failure names the flag and the value. */
export function validateSampling(options: SamplingOptions): SamplingOptions {
  if (!(Number.isFinite(options.temperature) && options.temperature >= 0)) {
    throw usage(`--temperature must be a number >= 0, got ${options.temperature}`, 'use 0 for greedy decoding, 1 to sample as trained');
  }
  if (!(Number.isInteger(options.topK) && options.topK >= 0)) {
    throw usage(`--top-k must be an integer >= 0, got ${options.topK}`, 'use 0 to keep every token');
  }
  if (!(Number.isFinite(options.topP) && options.topP > 0 && options.topP <= 1)) {
    throw usage(`--top-p must be in (0, 1], got ${options.topP}`, 'use 1 to keep every token, e.g. 0.9 for nucleus sampling');
  }
  return options;
}

/**
 * Chooses next tokens: greedy at temperature 0, else temperature, top-k and top-p (nucleus) filtering and one
 * draw from the seeded generator. Candidates are ordered by probability with ties broken by the lower id, and
 * the draw walks that order, so a seed gives the same token on every machine. Ids in `banned` (special
 * tokens that never occur inside text) are never chosen.
 */
export class TokenSampler {
  readonly #options: SamplingOptions;
  readonly #banned: ReadonlySet<number>;

  constructor(options: SamplingOptions, banned: ReadonlySet<number> = new Set()) {
    this.#options = validateSampling(options);
    this.#banned = banned;
  }

  /** One token; `alsoBanned` is excluded for this draw only (the end-of-text token before a minimum length). */
  sample(logits: Float32Array, rng: SeededRandom, alsoBanned?: number): SampledToken {
    const allowed = (id: number) => id !== alsoBanned && !this.#banned.has(id);
    const id = this.#options.temperature === 0 ? this.#argmax(logits, allowed) : this.#draw(logits, rng, allowed);
    return {id, logprob: logSoftmaxAt(logits, id)};
  }

  #argmax(logits: Float32Array, allowed: (id: number) => boolean): number {
    let best = -1;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let id = 0; id < logits.length; id++) {
      const value = logits[id] as number;
      if (value > bestValue && allowed(id)) {
        best = id;
        bestValue = value;
      }
    }
    if (best < 0)
      throw new CodexError('E_GENERATE', 'the model gave no finite logit for any allowed token', {exitCode: ExitCode.integrity});
    return best;
  }

  #draw(logits: Float32Array, rng: SeededRandom, allowed: (id: number) => boolean): number {
    const {temperature, topK, topP} = this.#options;
    const ids: number[] = [];
    for (let id = 0; id < logits.length; id++) if (allowed(id) && Number.isFinite(logits[id])) ids.push(id);
    if (ids.length === 0)
      throw new CodexError('E_GENERATE', 'the model gave no finite logit for any allowed token', {exitCode: ExitCode.integrity});
    ids.sort((a, b) => (logits[b] as number) - (logits[a] as number) || a - b);
    const kept = topK > 0 ? ids.slice(0, topK) : ids;
    const max = (logits[kept[0] as number] as number) / temperature;
    const weights = kept.map((id) => Math.exp((logits[id] as number) / temperature - max));
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    // Nucleus: the shortest prefix of the ordered candidates whose probability reaches topP.
    let count = kept.length;
    if (topP < 1) {
      let cumulative = 0;
      for (let i = 0; i < kept.length; i++) {
        cumulative += (weights[i] as number) / total;
        if (cumulative >= topP) {
          count = i + 1;
          break;
        }
      }
    }
    let mass = 0;
    for (let i = 0; i < count; i++) mass += weights[i] as number;
    let target = rng.nextFloat() * mass;
    for (let i = 0; i < count; i++) {
      target -= weights[i] as number;
      if (target < 0) return kept[i] as number;
    }
    return kept[count - 1] as number;
  }
}

/** log softmax(logits)[id], computed stably. */
export function logSoftmaxAt(logits: Float32Array, id: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const value of logits) if (value > max) max = value;
  let sum = 0;
  for (const value of logits) sum += Math.exp(value - max);
  return (logits[id] as number) - max - Math.log(sum);
}

function usage(message: string, hint: string): CodexError {
  return new CodexError('E_USAGE', message, {hint, exitCode: ExitCode.usage});
}
