import {type ContractName, CodexError, ExitCode} from '@codex-ml/core';

/** Every name a generated plugin uses, derived once from the backend name and the contract. */
export interface PluginNames {
  /** Name users select in config, e.g. `sha512`. */
  readonly backend: string;
  readonly contract: ContractName;
  /** npm package name, e.g. `codex-plugin-sha512`. */
  readonly packageName: string;
  /** PascalCase stem of class names, e.g. `Sha512`. */
  readonly pascal: string;
  /** kebab-case stem of file names, e.g. `sha512`. */
  readonly kebab: string;
}

const BACKEND_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
const PACKAGE_PATTERN = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

/** Validates the names a user typed and derives the rest; one-line errors name the bad value. */
export function pluginNames(backend: string, contract: ContractName, packageName?: string): PluginNames {
  if (!BACKEND_PATTERN.test(backend)) {
    throw new CodexError('E_USAGE', `backend name "${backend}" is invalid`, {
      hint: 'use lowercase letters, digits, ".", "_" and "-", starting with a letter or digit (e.g. sha512)',
      exitCode: ExitCode.usage,
    });
  }
  const pkg = packageName ?? `codex-plugin-${backend}`;
  if (!PACKAGE_PATTERN.test(pkg) || pkg.length > 214) {
    throw new CodexError('E_USAGE', `package name "${pkg}" is not a valid npm package name`, {
      hint: 'use lowercase letters, digits, "-", "." and "_", optionally scoped (@scope/name)',
      exitCode: ExitCode.usage,
    });
  }
  const words = backend.split(/[._-]+/).filter((word) => word !== '');
  return {
    backend,
    contract,
    packageName: pkg,
    pascal: words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join(''),
    kebab: words.join('-'),
  };
}
