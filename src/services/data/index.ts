/**
 * Data preparation and the reader API of data runs. Other commands and library users read prepared data
 * through `DataManifestReader` (a run id or manifest path → items, splits, texts); the manifest format is
 * `DataManifest` (JSON Schema: `DATA_MANIFEST_SCHEMA`, docs/data/manifest.schema.json).
 */
export {DataManifestReader, type SplitText, parseDataManifest} from './data-manifest-reader.js';
export {
  DATA_MANIFEST_KIND,
  DATA_MANIFEST_VERSION,
  type DataManifest,
  type DataManifestItem,
  type DataManifestMembership,
  type DataManifestSplit,
} from './data-manifest.js';
export {DATA_MANIFEST_SCHEMA} from './data-manifest-schema.js';
export {DATASET_FORMATS, type Dataset, type DatasetFormat, type DatasetItem, type DatasetSourceRecord} from './dataset-item.js';
export {datasetIdOf} from './dataset-id.js';
export {BROWN_PACKAGE, brownCorpus, locateDataset} from './dataset-location.js';
export {DatasetReader, type DatasetSpec} from './dataset-reader.js';
export {type JsonlFields, textLineId} from './dataset-records.js';
export {stripBrownTags} from './brown-tags.js';
export {manifestIntegrity} from './manifest-integrity.js';
export {PrepareDataService, type PrepareDataRequest, type PrepareDataResult} from './prepare-data-service.js';
export {VerifyDataService, type VerifyDataRequest, type VerifyDataResult} from './verify-data-service.js';
