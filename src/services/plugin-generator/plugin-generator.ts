import {mkdir, mkdtemp, rename, rm, stat, writeFile} from 'node:fs/promises';
import {dirname, join, resolve} from 'node:path';
import {BACKEND_CONFIG_KEYS, CodexError, type ContractName, ExitCode, errnoCode, fileError} from '@codex-ml/core';
import {coreDevDependency, hostCore} from './core-dependency.js';
import type {ContractTemplate} from './generated-file.js';
import {hasherTemplate} from './hasher-template.js';
import {manifestStoreTemplate} from './manifest-store-template.js';
import {optimizerTemplate} from './optimizer-template.js';
import {packageFiles} from './package-files.js';
import {type PluginNames, pluginNames} from './plugin-names.js';
import {splitterTemplate} from './splitter-template.js';
import {tokenizerTemplate} from './tokenizer-template.js';
import {trainingEngineTemplate} from './training-engine-template.js';

/** Contracts a skeleton can be generated for; executors are written against the conformance suite directly. */
const TEMPLATES: Readonly<Partial<Record<ContractName, (names: PluginNames) => ContractTemplate>>> = {
  hasher: hasherTemplate,
  splitter: splitterTemplate,
  tokenizer: tokenizerTemplate,
  optimizer: optimizerTemplate,
  'manifest-store': manifestStoreTemplate,
  'training-engine': trainingEngineTemplate,
};

export interface PluginRequest {
  /** Backend name users select in config, e.g. `sha512`. */
  readonly name: string;
  readonly contract: ContractName;
  /** Directory the plugin folder is created in. */
  readonly parent: string;
  /** npm package name; default `codex-plugin-<name>`. */
  readonly packageName?: string;
  /** Overrides how the plugin's dev build gets `@codex-ml/core` (a version range or a `file:` path). */
  readonly coreSpec?: string;
}

export interface GeneratedPlugin {
  readonly directory: string;
  readonly packageName: string;
  readonly contract: ContractName;
  readonly backend: string;
  /** Config key that selects the backend, e.g. `hasher`. */
  readonly configKey: string;
  /** How the plugin's build and tests get core. */
  readonly coreDependency: string;
  /** Created files, relative to `directory`, sorted. */
  readonly files: readonly string[];
}

/**
 * Scaffolds a third-party plugin package: a skeleton that compiles, its registration hook, a conformance test
 * that fails until the skeleton is filled in, and a README. All or nothing: files are written to a temporary
 * sibling folder that is renamed into place at the end.
 */
export class PluginGenerator {
  async generate(request: PluginRequest): Promise<GeneratedPlugin> {
    const names = pluginNames(request.name, request.contract, request.packageName);
    const folder = names.packageName.replace(/^@[^/]+\//, '');
    const directory = resolve(request.parent, folder);
    await this.#ensureAbsent(directory);
    const core = hostCore();
    const coreDependency = request.coreSpec ?? coreDevDependency(core, directory);
    const templateFor = TEMPLATES[request.contract];
    if (templateFor === undefined) {
      throw new CodexError('E_USAGE', `plugins:new has no template for the ${request.contract} contract`, {
        hint: `choose one of ${Object.keys(TEMPLATES).join(', ')}; see docs/scale-out.md for writing an executor`,
        exitCode: ExitCode.usage,
      });
    }
    const template = templateFor(names);
    const files = [
      ...packageFiles({names, template, corePeerRange: `^${core.version}`, coreDevSpec: coreDependency}),
      ...template.sources,
      template.test,
    ];
    const parent = dirname(directory);
    try {
      await mkdir(parent, {recursive: true});
    } catch (error) {
      throw fileError(parent, error, 'create directory');
    }
    let staging: string;
    try {
      staging = await mkdtemp(join(parent, `.${folder}-`));
    } catch (error) {
      throw fileError(parent, error, 'write to');
    }
    try {
      for (const file of files) {
        const target = join(staging, file.path);
        await mkdir(dirname(target), {recursive: true});
        await writeFile(target, file.text, {flag: 'wx'});
      }
      await rename(staging, directory);
    } catch (error) {
      await rm(staging, {recursive: true, force: true});
      if (errnoCode(error) === 'ENOTEMPTY' || errnoCode(error) === 'EEXIST') throw this.#exists(directory);
      throw fileError(directory, error, 'write');
    }
    return {
      directory,
      packageName: names.packageName,
      contract: request.contract,
      backend: names.backend,
      configKey: BACKEND_CONFIG_KEYS[request.contract],
      coreDependency,
      files: files.map((file) => file.path).sort(),
    };
  }

  async #ensureAbsent(directory: string): Promise<void> {
    try {
      await stat(directory);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return;
      throw fileError(directory, error);
    }
    throw this.#exists(directory);
  }

  #exists(directory: string): CodexError {
    return new CodexError('E_EXISTS', `${directory} already exists`, {
      hint: 'choose another name (--package) or another parent directory (--dir)',
      exitCode: ExitCode.usage,
    });
  }
}
