export {SqliteManifestStore, type SqliteManifestStoreOptions} from './sqlite-manifest-store.js';
