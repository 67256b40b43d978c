export {FsManifestStore, MANIFEST_FILE} from './fs-manifest-store.js';
