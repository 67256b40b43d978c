export {FsManifestStore, MANIFEST_FILE} from './fs-manifest-store.js';
export {checkManifestHeader, datasetIdsOf} from './manifest-header.js';
