export {PostgresManifestStore, type PostgresManifestStoreOptions} from './postgres-manifest-store.js';
export {PostgresTarget} from './postgres-target.js';
