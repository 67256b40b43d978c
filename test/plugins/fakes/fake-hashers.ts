import {createHash} from 'node:crypto';
import type {HashState, Hasher} from '@codex-ml/core';

/** A correct SHA-256 hasher, the baseline the broken fakes differ from. */
export class FakeSha256Hasher implements Hasher {
  readonly algorithm = 'sha256';
  readonly digestBytes = 32;

  create(): HashState {
    const hash = createHash('sha256');
    return {update: (bytes) => void hash.update(bytes), digest: () => hash.digest('hex')};
  }
}

/**
 * Breaks "streaming equals one-shot" only: a single update hashes as SHA-256, but two or more non-empty updates
 * hash the list of per-update digests.
 */
export class FakePerChunkHasher implements Hasher {
  readonly algorithm = 'sha256';
  readonly digestBytes = 32;

  create(): HashState {
    const pieces: Buffer[] = [];
    let done = false;
    return {
      update: (bytes) => {
        if (done) throw new Error('finished');
        if (bytes.length > 0) pieces.push(Buffer.from(bytes));
      },
      digest: () => {
        if (done) throw new Error('finished');
        done = true;
        if (pieces.length <= 1)
          return createHash('sha256')
            .update(pieces[0] ?? new Uint8Array(0))
            .digest('hex');
        const outer = createHash('sha256');
        for (const piece of pieces) outer.update(createHash('sha256').update(piece).digest());
        return outer.digest('hex');
      },
    };
  }
}

/** Breaks "large input in constant memory": it keeps a copy of every chunk until `digest`. */
export class FakeBufferingHasher implements Hasher {
  readonly algorithm = 'sha256';
  readonly digestBytes = 32;

  create(): HashState {
    const chunks: Uint8Array[] = [];
    let done = false;
    return {
      update: (bytes) => {
        if (done) throw new Error('finished');
        chunks.push(Uint8Array.from(bytes));
      },
      digest: () => {
        if (done) throw new Error('finished');
        done = true;
        const hash = createHash('sha256');
        for (const chunk of chunks) hash.update(chunk);
        return hash.digest('hex');
      },
    };
  }
}

/** Correct, but copies every chunk before hashing it: garbage per update, nothing retained. */
export class FakeCopyingHasher implements Hasher {
  readonly algorithm = 'sha256';
  readonly digestBytes = 32;

  create(): HashState {
    const hash = createHash('sha256');
    let done = false;
    return {
      update: (bytes) => {
        if (done) throw new Error('finished');
        hash.update(Uint8Array.from(bytes));
      },
      digest: () => {
        if (done) throw new Error('finished');
        done = true;
        return hash.digest('hex');
      },
    };
  }
}
