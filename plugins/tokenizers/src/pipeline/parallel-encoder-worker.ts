import {parentPort, workerData} from 'node:worker_threads';
import {type ComponentCodecs, DEFAULT_CODECS, extendCodecs} from '../serialization/component-codecs.js';
import {loadTokenizerJson} from '../serialization/tokenizer-json-loader.js';
import type {PipelineTokenizer} from './pipeline-tokenizer.js';

/** Worker side of `ParallelEncoder`: loads the tokenizer once, then encodes each batch it is sent. */
interface Setup {
  readonly tokenizerJson: string;
  readonly codecs?: {readonly module: string; readonly export: string};
}

async function load(setup: Setup): Promise<PipelineTokenizer> {
  let codecs = DEFAULT_CODECS;
  if (setup.codecs) {
    const module = (await import(setup.codecs.module)) as Record<string, Partial<ComponentCodecs> | undefined>;
    codecs = extendCodecs(DEFAULT_CODECS, module[setup.codecs.export] ?? {});
  }
  return loadTokenizerJson(setup.tokenizerJson, 'tokenizer.json', codecs);
}

const port = parentPort;
if (port) {
  try {
    const tokenizer = await load(workerData as Setup);
    port.on('message', (request: {id: number; texts: string[]; addSpecialTokens: boolean}) => {
      try {
        const lengths = new Int32Array(request.texts.length);
        const all: number[] = [];
        request.texts.forEach((text, i) => {
          const ids = tokenizer.encodeIds(text, request.addSpecialTokens);
          lengths[i] = ids.length;
          for (const id of ids) all.push(id);
        });
        const ids = Int32Array.from(all);
        port.postMessage({id: request.id, ids, lengths}, [ids.buffer, lengths.buffer]);
      } catch (error) {
        port.postMessage({
          id: request.id,
          ids: new Int32Array(0),
          lengths: new Int32Array(0),
          error: error instanceof Error ? error.message : String(error),
        });
      }
    });
    port.postMessage('ready');
  } catch (error) {
    port.postMessage({error: error instanceof Error ? error.message : String(error)});
  }
}
