import {availableParallelism} from 'node:os';
import {Worker} from 'node:worker_threads';
import {CodexError, ExitCode} from '@codex-ml/core';

/** Reply of a worker: ids of all texts of a batch, flattened, and each text's id count. */
interface BatchReply {
  readonly id: number;
  readonly ids: Int32Array;
  readonly lengths: Int32Array;
  readonly error?: string;
}

/**
 * Encodes batches of texts to ids on worker threads, each holding its own copy of the tokenizer (loaded from
 * its tokenizer.json). The batch is cut into one contiguous slice per worker; results come back in input order
 * as transferred typed arrays, so only the text is copied.
 */
export class ParallelEncoder {
  readonly #workers: Worker[];
  #next = 0;

  private constructor(workers: Worker[]) {
    this.#workers = workers;
  }

  /**
   * @param codecs where the workers find stage codecs beyond the defaults (BPE and the common stages), as a
   *   module URL and the name of its `Partial<ComponentCodecs>` export, e.g. the WordPiece codecs.
   */
  static async create(
    tokenizerJson: string,
    threads = availableParallelism(),
    codecs?: {readonly module: string; readonly export: string},
  ): Promise<ParallelEncoder> {
    const url = new URL('./parallel-encoder-worker.js', import.meta.url);
    const workers = Array.from({length: Math.max(1, threads)}, () => new Worker(url, {workerData: {tokenizerJson, codecs}}));
    try {
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve, reject) => {
              worker.once('message', (message: unknown) => {
                if (message === 'ready') resolve();
                else reject(new Error(String((message as {error?: string}).error ?? message)));
              });
              worker.once('error', reject);
            }),
        ),
      );
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw new CodexError(
        'E_TOKENIZER',
        `tokenizer workers could not load the tokenizer: ${error instanceof Error ? error.message : String(error)}`,
        {
          hint: 'pass a tokenizer.json that loads with loadTokenizerJson, and the codecs its stages need',
          exitCode: ExitCode.input,
          cause: error,
        },
      );
    }
    return new ParallelEncoder(workers);
  }

  get threads(): number {
    return this.#workers.length;
  }

  /** Ids of each text, with special tokens as `encodeIds` adds them. */
  async encodeIds(texts: readonly string[], addSpecialTokens = true): Promise<Int32Array[]> {
    const share = Math.ceil(texts.length / this.#workers.length);
    const parts = await Promise.all(
      this.#workers.map((worker, w) => this.#ask(worker, texts.slice(w * share, (w + 1) * share), addSpecialTokens)),
    );
    const out: Int32Array[] = [];
    for (const reply of parts) {
      let at = 0;
      for (const length of reply.lengths) {
        out.push(reply.ids.subarray(at, at + length));
        at += length;
      }
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  #ask(worker: Worker, texts: string[], addSpecialTokens: boolean): Promise<BatchReply> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      const onMessage = (reply: BatchReply) => {
        if (reply.id !== id) return;
        worker.off('message', onMessage);
        if (reply.error) reject(new Error(reply.error));
        else resolve(reply);
      };
      worker.on('message', onMessage);
      worker.postMessage({id, texts, addSpecialTokens});
    });
  }
}
