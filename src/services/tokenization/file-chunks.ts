import {createReadStream} from 'node:fs';
import {assertRegularFile, fileError} from '@codex-ml/core';

/** The bytes of a regular file as a stream of chunks; a missing or special file fails with one line naming it. */
export async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  await assertRegularFile(path);
  try {
    for await (const chunk of createReadStream(path)) yield chunk as Buffer;
  } catch (error) {
    throw fileError(path, error);
  }
}
