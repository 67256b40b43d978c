import type {DecodingSession} from '@codex-ml/core';
import type {SeededRandom} from '@codex-ml/core';
import {ContextWindow} from './context-window.js';
import {TextStream} from './text-stream.js';
import type {TokenSampler} from './token-sampler.js';

/** Why a sample ended. */
export type FinishReason = 'length' | 'end-of-text' | 'stop';

export interface GeneratedSample {
  /** Generated text: special tokens skipped, cut before a stop string. */
  readonly text: string;
  /** Generated token ids, in order (the end-of-text token included when it ended the sample). */
  readonly ids: readonly number[];
  /** Log-probability of each generated id under the model (log-softmax of its logits). */
  readonly logprobs: readonly number[];
  readonly finishReason: FinishReason;
}

export interface GenerateOptions {
  readonly maxTokens: number;
  /** The end-of-text token is not chosen before this many tokens (0: any time). */
  readonly minTokens: number;
  readonly stops: readonly string[];
  /** Decode with the key/value cache (default) or recompute the whole window for every token. */
  readonly kvCache: boolean;
  /** The token that ends a document in training; sampling it ends the sample. */
  readonly endOfText: number | null;
}

/** Text of token ids, special tokens skipped. */
export type Detokenize = (ids: readonly number[]) => string;

/** What decoding needs of a model: its window, and the forward pass or a decoder (whichever `kvCache` uses). */
export interface GenerativeModel {
  readonly contextLength: number;
  /** Logits after the last of `ids`, by a full forward pass. */
  forward(ids: readonly number[]): Promise<Float32Array>;
  createDecoder(): Promise<DecodingSession>;
}

/**
 * The decoding loop: feed the context, choose a token, append it, until `maxTokens`, the end-of-text token or
 * a stop string. The context the model sees follows `ContextWindow`; with the cache, a session holds exactly
 * that window and is rebuilt when the window jumps, so cached and uncached runs see the same tokens.
 */
export class TextGenerator {
  readonly #window: ContextWindow;

  constructor(
    private readonly model: GenerativeModel,
    private readonly sampler: TokenSampler,
    private readonly detokenize: Detokenize,
    private readonly options: GenerateOptions,
  ) {
    this.#window = new ContextWindow(model.contextLength);
  }

  /** One sample continuing `context` (≤ contextLength ids); `onText` receives printable chunks as they come. */
  async generate(
    context: readonly number[],
    rng: SeededRandom,
    onText: (chunk: string) => void = () => undefined,
  ): Promise<GeneratedSample> {
    const sequence = [...context];
    const ids: number[] = [];
    const logprobs: number[] = [];
    const stream = new TextStream(this.options.stops);
    const session = this.options.kvCache ? new WindowedSession(await this.model.createDecoder()) : undefined;
    let finishReason: FinishReason = 'length';
    while (ids.length < this.options.maxTokens) {
      const start = this.#window.start(sequence.length);
      const logits = session ? await session.logits(sequence, start) : await this.model.forward(sequence.slice(start));
      const early = ids.length < this.options.minTokens && this.options.endOfText !== null ? this.options.endOfText : undefined;
      const {id, logprob} = this.sampler.sample(logits, rng, early);
      ids.push(id);
      logprobs.push(logprob);
      if (id === this.options.endOfText) {
        finishReason = 'end-of-text';
        break;
      }
      sequence.push(id);
      const chunk = stream.update(this.detokenize(ids));
      if (chunk) onText(chunk);
      if (stream.stopped) {
        finishReason = 'stop';
        break;
      }
    }
    const rest = stream.flush();
    if (rest) onText(rest);
    return {text: stream.text, ids, logprobs, finishReason};
  }
}

/** A decoding session kept equal to the window `sequence[start…]`: extended when it can be, rebuilt when not. */
class WindowedSession {
  #start = 0;

  constructor(private readonly session: DecodingSession) {}

  logits(sequence: readonly number[], start: number): Promise<Float32Array> {
    if (start !== this.#start || this.session.length === 0) {
      this.session.reset();
      this.#start = start;
      return this.session.append(sequence.slice(start));
    }
    return this.session.append(sequence.slice(start + this.session.length));
  }
}
