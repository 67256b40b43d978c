/**
 * Version of the plugin API (contracts, registry, SDK). Plugins declare the range they were built for in their
 * package.json (`"codex": {"apiRange": "^1.0.0"}`); the host refuses plugins whose range excludes it.
 * Bump the major version on any breaking change to a contract or to the registration protocol, the minor one
 * on additions plugins may rely on (1.1: config contributions, `Backends`).
 */
export const API_VERSION = '1.1.0';
