/**
 * JSON Schema (draft-07) of the data manifest, version 1. docs/data/manifest.schema.json is this object
 * written out; a test keeps the two identical.
 */
const checksum = {type: 'string', pattern: '^[a-z0-9][a-z0-9-]*:[0-9a-f]+$'} as const;
const runId = {type: 'string', pattern: '^[0-9A-HJKMNP-TV-Z]{26}$'} as const;
const count = {type: 'integer', minimum: 0} as const;
const itemId = {type: 'string', minLength: 1} as const;
const splitName = {type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$'} as const;
const mappingFile = {
  type: 'object',
  required: ['path', 'checksum'],
  additionalProperties: false,
  properties: {path: {type: 'string'}, checksum},
} as const;

const item = {
  type: 'object',
  required: ['id', 'split', 'checksum', 'bytes'],
  additionalProperties: false,
  properties: {id: itemId, split: splitName, checksum, bytes: count, label: {type: 'string'}, group: {type: 'string'}},
} as const;

export const DATA_MANIFEST_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://codex-ml.dev/schemas/data-manifest-v1.json',
  title: 'codex-ml data manifest',
  description: 'Written by `codex prepare-data` to runs/<runId>/manifest.json; checked by `codex data:verify`.',
  type: 'object',
  required: [
    'schemaVersion',
    'kind',
    'runId',
    'parents',
    'createdAt',
    'datasetId',
    'seed',
    'splitter',
    'hasher',
    'itemCount',
    'bytes',
    'dataset',
    'splits',
    'tools',
    'config',
    'artifacts',
    'integrity',
  ],
  additionalProperties: false,
  properties: {
    schemaVersion: {const: 1, description: 'Version of this format; readers refuse versions they do not know.'},
    kind: {const: 'data'},
    runId: {...runId, description: 'ULID of the prepare-data run.'},
    parents: {type: 'array', items: runId, description: 'Runs whose outputs this run consumed (none for data runs).'},
    createdAt: {type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$'},
    name: {type: 'string', description: 'The name given with --name.'},
    tags: {type: 'array', items: {type: 'string'}, description: 'The tags given with --tag, sorted.'},
    datasetId: {...checksum, description: 'Digest of the sorted "<id>\\0<checksum>\\n" list of all items.'},
    root: {type: 'string', description: 'Absolute dataset root for file-backed formats: item files are <root>/<id>.'},
    seed: {type: 'integer'},
    splitter: {
      type: 'object',
      required: ['name', 'plugin', 'version', 'params'],
      additionalProperties: false,
      properties: {name: {type: 'string'}, plugin: {type: 'string'}, version: {type: 'string'}, params: {type: 'object'}},
    },
    hasher: {
      type: 'object',
      required: ['name', 'algorithm'],
      additionalProperties: false,
      properties: {name: {type: 'string'}, algorithm: {type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$'}},
    },
    itemCount: {...count, minimum: 1},
    bytes: count,
    dataset: {
      type: 'object',
      required: ['format', 'path', 'options'],
      additionalProperties: false,
      properties: {
        format: {enum: ['directory', 'jsonl', 'txt', 'brown']},
        path: {type: 'string'},
        package: {
          type: 'object',
          required: ['name', 'version'],
          additionalProperties: false,
          properties: {name: {type: 'string'}, version: {type: 'string'}},
        },
        options: {type: 'object', additionalProperties: {type: ['string', 'boolean', 'null']}},
        checksum,
        labels: mappingFile,
        groups: mappingFile,
      },
    },
    splits: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'ratio', 'items', 'bytes', 'file', 'checksum'],
        additionalProperties: false,
        properties: {
          name: splitName,
          ratio: {type: 'number', exclusiveMinimum: 0, maximum: 1},
          items: count,
          bytes: count,
          file: {type: 'string'},
          checksum,
          labels: {type: 'object', additionalProperties: count},
        },
      },
    },
    tools: {type: 'object', additionalProperties: {type: 'string'}},
    config: {type: 'object'},
    artifacts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'checksum', 'bytes'],
        additionalProperties: false,
        properties: {path: {type: 'string'}, checksum, bytes: count},
      },
    },
    membership: {
      type: 'object',
      required: ['path', 'checksum', 'count'],
      additionalProperties: false,
      description: 'Companion JSONL file listing the items (one "item" object per line, sorted by id) when they are not inline.',
      properties: {path: {type: 'string'}, checksum, count},
    },
    items: {type: 'array', items: item, description: 'Every item with its split, sorted by id (absent when "membership" is given).'},
    integrity: {...checksum, description: 'sha256 of the canonical JSON of the manifest without this field.'},
  },
  oneOf: [{required: ['items']}, {required: ['membership']}],
  definitions: {item},
} as const;
