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
  instantiateBackend,
} from './registry.js';
export {Kernel} from './kernel.js';
export {
  type BackendRegistrar,
  type BackendRegistration,
  definePlugin,
  isPluginContribution,
  type PluginContribution,
  REGISTER_HOOK,
  REGISTRATION_PROTOCOL,
} from './plugin/define-plugin.js';
export {type CapabilityRequest, requireCapability} from './plugin/require-capability.js';
export {type HookOutcome, type HookRunner, type HostPlugin, loadRegistry} from './plugin/plugin-host.js';
export {type ConfigInputs, ResolvedConfig, envVariableFor, resolveConfig} from './config/config-resolver.js';
export {type ConfigSource, describeSource} from './config/config-source.js';
export {closestMatch} from './config/closest-match.js';
export {configSchema} from './config/schema.js';
export {type SchemaLeaf, type SchemaNode, schemaLeaves} from './config/schema-node.js';
export {MASK, maskCredentials, maskSecrets} from './config/mask-credentials.js';
export {newRunId, isRunId, assertRunId, runIdTime} from './run/run-id.js';
export {type DirectoryEntry, writeDirectoryAtomic, writeFileAtomic, withAtomicFile, TEMP_FILE_PATTERN} from './run/atomic-write.js';
export {type Lock, type LockOwner, acquireLock, isLive, readOwner} from './run/lock.js';
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
export {type Checksum, type ParsedChecksum, formatChecksum, parseChecksum} from './manifest/checksum.js';
export {type HashFileOptions, READ_CHUNK, assertRegularFile, hashFile} from './hashing/hash-file.js';
export {type FileDigest, type FileToHash, type ParallelHashOptions, ParallelFileHasher} from './hashing/parallel-file-hasher.js';
