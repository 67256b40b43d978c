export {API_VERSION} from './api-version.js';
export * from './contracts/index.js';
export {CodexError, type CodexErrorOptions, ExitCode, type ExitCodeValue, errnoCode, fileError, isCodexError} from './errors.js';
export {
  type BackendModule,
  type BackendOptions,
  type BackendOrigin,
  type BackendSpec,
  type PluginProblem,
  type RegisteredBackend,
  Registry,
  backendConfigBlock,
} from './registry.js';
export {type BackendRecipe, backendOf, loadBackend} from './backend-loader.js';
export {Backends} from './backends.js';
export {Kernel} from './kernel.js';
export {
  type BackendRegistrar,
  type BackendRegistration,
  type ConfigContribution,
  definePlugin,
  isPluginContribution,
  type PluginContribution,
  REGISTER_HOOK,
  REGISTRATION_PROTOCOL,
} from './plugin/define-plugin.js';
export {type CapabilityRequest, requireCapability} from './plugin/require-capability.js';
export {type HookOutcome, type HookRunner, type HostPlugin, loadRegistry} from './plugin/plugin-host.js';
export {apiRangeProblem, nodeEngineProblem} from './plugin/plugin-compatibility.js';
export {type ConfigFile, type ConfigInputs, ResolvedConfig, migrateConfigValues, resolveConfig} from './config/config-resolver.js';
export {envVariableFor} from './config/env-variable.js';
export {CORE_ORIGIN, ConfigSchema} from './config/config-schema.js';
export type {ConfigKeySpec, ConfigKeyType, ConfigSection, ConfigValue} from './config/config-key.js';
export {type ConfigSource, describeSource} from './config/config-source.js';
export {closestMatch} from './config/closest-match.js';
export {configSchema} from './config/schema.js';
export {type SchemaLeaf, type SchemaNode, schemaLeaves} from './config/schema-node.js';
export {MASK, maskCredentials, maskSecrets} from './config/mask-credentials.js';
export {type Shard, formatShard, parseShard, shardOfId} from './sharding/shard.js';
export {newRunId, isRunId, assertRunId, runIdTime} from './run/run-id.js';
export {
  type DirectoryEntry,
  TEMP_FILE_PATTERN,
  publishDirectory,
  syncDirectory,
  tempPathFor,
  withAtomicFile,
  writeDirectoryAtomic,
  writeFileAtomic,
  writeFileSynced,
} from './run/atomic-write.js';
export {type Lock, type LockOwner, acquireLock, isAlive, isLive, readOwner} from './run/lock.js';
export {type Lease, acquireLease, isLeaseFile, liveLeases} from './run/lease.js';
export {RunDirectory, listRunIds} from './run/run-directory.js';
export {prepareRunsDir} from './run/runs-dir.js';
export {
  type ByteLine,
  ByteLineSplitter,
  INVALID_UTF8_POLICIES,
  type InvalidUtf8Policy,
  decodeDocument,
  decodeLine,
  firstInvalidUtf8,
  splitByteLines,
  wellFormedText,
} from './text/utf8-lines.js';
export {type Checksum, type ParsedChecksum, checksumOf, formatChecksum, parseChecksum} from './manifest/checksum.js';
export type {Artifact} from './manifest/artifact.js';
export {canonicalJson} from './manifest/canonical-json.js';
export {checkManifestHeader, datasetIdsOf, manifestError} from './manifest/manifest-header.js';
export {type RandomState, SeededRandom, mixSeed} from './random/seeded-random.js';
export {forEachUtf8Byte, utf8, utf8Into} from './text/utf8.js';
export {type HashFileOptions, READ_CHUNK, assertRegularFile, hashFile} from './hashing/hash-file.js';
export {type FileDigest, type FileToHash, type ParallelHashOptions, ParallelFileHasher} from './hashing/parallel-file-hasher.js';
