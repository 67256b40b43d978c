import {parentPort, workerData} from 'node:worker_threads';
import {loadTokenizerJson} from '../serialization/tokenizer-json-loader.js';

/** Worker side of `ParallelEncoder`: loads the tokenizer once, then encodes each batch it is sent. */
const tokenizer = loadTokenizerJson((workerData as {tokenizerJson: string}).tokenizerJson, 'tokenizer.json');
const port = parentPort;
if (port) {
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
}
