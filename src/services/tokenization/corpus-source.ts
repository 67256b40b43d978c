import type {Checksum} from '@codex-ml/core';

/** One file of a training or validation corpus. */
export interface CorpusFile {
  /** Where to read it. */
  readonly path: string;
  /** Stable name: the item id of a data manifest, or the path relative to the input folder. */
  readonly id: string;
  readonly bytes: number;
  /** Checksum of the bytes found on disk before reading. */
  readonly checksum: Checksum;
  /** Dataset the file belongs to. */
  readonly datasetId: string;
  /** Brown corpus documents: strip `word/TAG` tags line by line, as the data run recorded. */
  readonly stripBrownTags?: boolean;
}

/** The records of one split of a record-backed data run (.jsonl, .txt), proven by their source file. */
export interface CorpusRecordSet {
  /** `<source file>#<split>`, for manifests and messages. */
  readonly id: string;
  readonly datasetId: string;
  /** Checksum of the source file as found on disk. */
  readonly checksum: Checksum;
  readonly bytes: number;
  /** Checksums of the split's records, sorted by id: which records, not just which file. */
  readonly itemChecksums: readonly Checksum[];
  texts(): AsyncIterable<string>;
}

/** A file whose bytes no longer match its data manifest, accepted with --allow-drift. */
export interface CorpusDrift {
  readonly runId: string;
  readonly id: string;
  readonly expected: Checksum;
  readonly actual: Checksum;
}

/** The assembled corpus: files in a stable order, and where they came from. */
export interface CorpusSource {
  readonly files: readonly CorpusFile[];
  readonly records: readonly CorpusRecordSet[];
  /** Sorted, unique. */
  readonly datasetIds: readonly string[];
  /** Data run ids the corpus was read from, sorted. */
  readonly parents: readonly string[];
  readonly drift: readonly CorpusDrift[];
}
