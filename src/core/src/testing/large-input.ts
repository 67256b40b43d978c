import {open} from 'node:fs/promises';
import {SeededRandom} from '../random/seeded-random.js';

/** Bytes per chunk of the large-input stream. */
export const LARGE_INPUT_CHUNK = 1 << 20;

/** Default size of the large input: just over 64 MiB, so that buffering the whole input cannot go unnoticed. */
export const LARGE_INPUT_BYTES = 64 * 1024 * 1024 + 4099;

/**
 * The deterministic large input of the hasher suite, as chunks of at most `LARGE_INPUT_CHUNK` bytes. One random
 * block is reused with the chunk number written into its first four bytes, so every chunk differs and making
 * the stream costs no memory. The yielded buffer is reused: consume it before asking for the next.
 */
export function* largeInputChunks(bytes: number = LARGE_INPUT_BYTES, seed = 0x5eed): Generator<Uint8Array> {
  const block = new SeededRandom(seed).fill(new Uint8Array(LARGE_INPUT_CHUNK));
  const view = new DataView(block.buffer);
  let sent = 0;
  for (let chunk = 0; sent < bytes; chunk++) {
    view.setUint32(0, chunk, true);
    const size = Math.min(LARGE_INPUT_CHUNK, bytes - sent);
    yield block.subarray(0, size);
    sent += size;
  }
}

/**
 * Writes the same bytes as `largeInputChunks` to a file, so that a reference tool (`sha256sum`, `b3sum`, …)
 * can compute the expected digest for the hasher suite's `largeInput.expected`.
 */
export async function writeLargeInput(path: string, bytes: number = LARGE_INPUT_BYTES, seed = 0x5eed): Promise<void> {
  const handle = await open(path, 'w');
  try {
    for (const chunk of largeInputChunks(bytes, seed)) await handle.write(chunk);
  } finally {
    await handle.close();
  }
}

/** Reads a file in fixed chunks through one reused buffer: the streaming the hasher suite measures. */
export async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  const handle = await open(path, 'r');
  const buffer = new Uint8Array(LARGE_INPUT_CHUNK);
  try {
    for (;;) {
      const {bytesRead} = await handle.read(buffer, 0, LARGE_INPUT_CHUNK, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}
