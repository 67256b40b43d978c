import {exactSeed} from '../seed-format.js';
import type {SchemaNode} from '../schema-node.js';

/** Convict validators; each throws a message convict prefixes with the key. */
function ratioList(value: unknown): void {
  if (!Array.isArray(value) || value.length === 0 || value.some((ratio) => typeof ratio !== 'number' || !Number.isFinite(ratio))) {
    throw new Error(`must be a non-empty list of numbers such as [0.8, 0.1, 0.1], got ${JSON.stringify(value)}`);
  }
}
function splitNames(value: unknown): void {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.some((name) => typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
  ) {
    throw new Error(`must be a non-empty list of names (letters, digits, ".", "_", "-"), got ${JSON.stringify(value)}`);
  }
  if (new Set(value).size !== value.length) throw new Error(`must not repeat a name, got ${JSON.stringify(value)}`);
}
function optionalPath(value: unknown): void {
  if (value !== null && (typeof value !== 'string' || value === ''))
    throw new Error(`must be a path or null, got ${JSON.stringify(value)}`);
}
function positiveInt(value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error(`must be an integer >= 1, got ${String(value)}`);
}
function nonNegativeInt(value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new Error(`must be an integer >= 0, got ${String(value)}`);
}

/** Keys of `prepare-data` and `data:verify` (configs/data/base.yaml). */
export const dataSection = {
  data: {
    splitter: {doc: 'Splitter backend (seeded, hash-bucket, stratified, grouped, …).', format: String, default: 'seeded'},
    seed: {doc: 'Seed of the split; the only source of randomness. An integer from 0 to 2^53 − 1.', format: exactSeed, default: 42},
    input: {
      doc: 'Dataset: a directory of files, a .jsonl or a .txt file; null = the embedded Brown corpus.',
      format: optionalPath,
      default: null,
      nullable: true,
      path: true,
    },
    format: {
      doc: 'How to read the input: auto (by path), directory, jsonl, txt or brown.',
      format: ['auto', 'directory', 'jsonl', 'txt', 'brown'],
      default: 'auto',
    },
    onInvalidUtf8: {
      doc: 'Text that is not valid UTF-8: error (names file, line and byte offset), replace (U+FFFD) or skip the line. Checksums always cover the raw bytes.',
      format: ['error', 'replace', 'skip'],
      default: 'error',
    },
    splits: {doc: 'Split names, in output order.', format: splitNames, default: ['train', 'validation', 'test']},
    ratios: {
      doc: 'Share of each split, same order as data.splits; each in (0, 1], summing to 1.',
      format: ratioList,
      default: [0.8, 0.1, 0.1],
    },
    labels: {
      doc: 'Label mapping file of "<id> <label>" lines (like the Brown corpus cats.txt); null = labels from the records (Brown: its cats.txt).',
      format: optionalPath,
      default: null,
      nullable: true,
      path: true,
    },
    groups: {
      doc: 'Group mapping file of "<id> <group>" lines for the grouped splitter; null = groups from the records.',
      format: optionalPath,
      default: null,
      nullable: true,
      path: true,
    },
    jsonl: {
      idField: {doc: 'Field of a .jsonl record holding its id (string or integer).', format: String, default: 'id'},
      textField: {doc: 'Field of a .jsonl record holding its text.', format: String, default: 'text'},
      labelField: {doc: 'Field holding the label (for stratified splits); empty = none.', format: String, default: 'label'},
      groupField: {doc: 'Field holding the group (for grouped splits); empty = none.', format: String, default: 'group'},
    },
    brown: {
      stripTags: {
        doc: 'Strip the Brown corpus part-of-speech tags (word/TAG → word) when its texts are read.',
        format: Boolean,
        default: true,
      },
    },
    cache: {
      doc: 'Trust the stat cache (size, mtime, ctime, inode) for unchanged files; --no-cache re-hashes everything.',
      format: Boolean,
      default: true,
    },
    threads: {doc: 'Hashing threads; 0 = one per core.', format: nonNegativeInt, default: 0},
    inlineItems: {
      doc: 'Datasets with up to this many items list them inside manifest.json; larger ones in the companion items.jsonl.',
      format: positiveInt,
      default: 50000,
    },
  },
} satisfies Record<string, SchemaNode>;
