import {CodexError, ExitCode, type Kernel, ManifestStore, type ManifestStore as ManifestStoreContract} from '@codex-ml/core';
import {manifestStoreOptions} from '../runs/manifest-store-options.js';
import {CorpusResolver} from './corpus-resolver.js';
import {DataRunReader} from './data-run-reader.js';
import {FileChecksummer} from './file-checksummer.js';
import {TokenizerCache} from './tokenizer-cache.js';
import {type LoadedTokenizer, TokenizerLoader} from './tokenizer-loader.js';
import {TokenizerTrainingService} from './tokenizer-training-service.js';
import type {TokenizerTrainingSettings} from './tokenizer-settings.js';

/** The corpus side of the tokenization services: checksums and corpus assembly, bound from the kernel. */
export interface CorpusServices {
  readonly checksummer: FileChecksummer;
  readonly resolver: CorpusResolver;
}

/**
 * Builds the corpus services over the kernel's bound hasher. The manifest store is bound only when a data run
 * id is actually read, so plain files never need one.
 */
export async function wireCorpusServices(kernel: Kernel, runsDir: string): Promise<CorpusServices> {
  const hasher = await kernel.bind('hasher');
  const checksummer = new FileChecksummer(kernel.registry, {hasher, backend: kernel.selectedBackend('hasher')});
  const resolver = new CorpusResolver(checksummer, async () => new DataRunReader(await bindStore(kernel, runsDir), runsDir));
  return {checksummer, resolver};
}

/** The training service with the configured tokenizer backend, hasher and manifest store. */
export async function wireTrainingService(kernel: Kernel, settings: TokenizerTrainingSettings): Promise<TokenizerTrainingService> {
  const {checksummer, resolver} = await wireCorpusServices(kernel, settings.runsDir);
  const factory = await kernel.bind('tokenizer');
  const backend = kernel.selectedBackend('tokenizer');
  const store = await bindStore(kernel, settings.runsDir);
  const hasher = await kernel.bind('hasher');
  const hasherFor = (algorithm: string) => checksummer.hasherFor(algorithm);
  const cache = new TokenizerCache(settings.cacheDir, settings.runsDir, hasher, hasherFor);
  return new TokenizerTrainingService(
    hasher,
    {factory, name: backend.name, plugin: backend.plugin, version: backend.version},
    resolver,
    cache,
    store,
    hasherFor,
  );
}

/** Loads tokenizer files with any registered backend. */
export function wireTokenizerLoader(kernel: Kernel): TokenizerLoader {
  return new TokenizerLoader(kernel.registry);
}

/** The configured manifest store over the runs directory, with its own config block (`manifest.<name>.*`). */
async function bindStore(kernel: Kernel, runsDir: string): Promise<ManifestStoreContract> {
  const name = kernel.backendName('manifest-store');
  await kernel.bind('manifest-store', {...manifestStoreOptions(kernel.config, name), dir: runsDir});
  return kernel.resolve<ManifestStoreContract>(ManifestStore);
}

/** The tokenizer a command works with: a tokenizer.json file or a shipped vocabulary, exactly one. */
export async function loadChosenTokenizer(
  kernel: Kernel,
  choice: {readonly file?: string | undefined; readonly pretrained?: string | undefined; readonly model?: string | undefined},
): Promise<LoadedTokenizer> {
  const given = [choice.file, choice.pretrained, choice.model].filter((value) => value !== undefined).length;
  if (given !== 1) {
    throw new CodexError('E_USAGE', 'pass exactly one of --tokenizer FILE, --tiktoken ENCODING and --model NAME', {
      hint: 'for example --tokenizer tok/tokenizer.json, --tiktoken o200k_base or --model gpt-4o',
      exitCode: ExitCode.usage,
    });
  }
  const loader = wireTokenizerLoader(kernel);
  if (choice.file !== undefined) return loader.loadFile(choice.file);
  if (choice.model !== undefined) return loader.loadForModel(choice.model);
  return loader.loadPretrained(choice.pretrained as string);
}
