import {readFile, stat} from 'node:fs/promises';
import {Backends, CodexError, ExitCode, type Tokenizer, type TokenizerFactory, fileError, isCodexError} from '@codex-ml/core';
import {inject, injectable} from 'tsyringe';

/** tokenizer.json format versions this loader accepts (Hugging Face writes "1.0"). */
const SUPPORTED_VERSIONS = ['1.0'];

/**
 * Larger files are refused before they are read or parsed: a tokenizer.json of 262k tokens with its merges (Gemma
 * 3) is about 33 MB, and a hostile 10-million-token vocabulary needs far more.
 */
const MAX_TOKENIZER_BYTES = 64 << 20;

/** A loaded tokenizer and the backend that loaded it. */
export interface LoadedTokenizer {
  readonly tokenizer: Tokenizer;
  readonly backend: string;
  readonly source: string;
}

/**
 * Loads tokenizer.json files with whichever registered tokenizer backend handles the file's model type
 * (`model.type`), so a file decides its backend, not config. The document is checked before any backend sees
 * it: valid JSON, a known format version, no `__proto__` key anywhere (a prototype-pollution vector in code
 * that copies keys into plain objects). Backends come through `Backends`, each with its own config block.
 */
@injectable()
export class TokenizerLoader {
  constructor(@inject(Backends) private readonly backends: Backends) {}

  /** The tokenizer a command works with: a tokenizer.json file or a shipped vocabulary, exactly one. */
  async loadChosen(choice: {
    readonly file?: string | undefined;
    readonly pretrained?: string | undefined;
    readonly model?: string | undefined;
  }): Promise<LoadedTokenizer> {
    const given = [choice.file, choice.pretrained, choice.model].filter((value) => value !== undefined).length;
    if (given !== 1) {
      throw new CodexError('E_USAGE', 'pass exactly one of --tokenizer FILE, --tiktoken ENCODING and --model NAME', {
        hint: 'for example --tokenizer tok/tokenizer.json, --tiktoken o200k_base or --model gpt-4o',
        exitCode: ExitCode.usage,
      });
    }
    if (choice.file !== undefined) return await this.loadFile(choice.file);
    if (choice.model !== undefined) return await this.loadForModel(choice.model);
    return await this.loadPretrained(choice.pretrained as string);
  }

  async loadFile(path: string): Promise<LoadedTokenizer> {
    const info = await stat(path).catch((error: unknown) => {
      throw fileError(path, error);
    });
    if (!info.isFile()) throw fileError(path, Object.assign(new Error('not a file'), {code: 'EISDIR'}));
    if (info.size > MAX_TOKENIZER_BYTES)
      throw invalid(path, `is ${info.size} bytes, more than the ${MAX_TOKENIZER_BYTES} bytes a tokenizer.json may have`);
    const text = await readFile(path, 'utf8').catch((error: unknown) => {
      throw fileError(path, error);
    });
    const modelType = inspectDocument(path, text);
    const {name, factory} = await this.#factoryFor(path, modelType);
    try {
      return {tokenizer: factory.load(text, path), backend: name, source: path};
    } catch (error) {
      if (isCodexError(error)) {
        const message = error.message.includes(path) ? error.message : `${path}: ${error.message}`;
        throw new CodexError(error.code, message, {hint: error.hint, exitCode: error.exitCode});
      }
      throw invalid(path, `cannot be loaded by tokenizer backend ${name}: ${firstLine(error)}`);
    }
  }

  /** A ready-made vocabulary (tiktoken ranks) from the first backend that ships it. */
  async loadPretrained(name: string): Promise<LoadedTokenizer> {
    const factories = await this.factories();
    const found = factories.find((entry) => entry.factory.pretrained?.includes(name) && entry.factory.loadPretrained);
    if (!found?.factory.loadPretrained) {
      const known = factories.flatMap((entry) => entry.factory.pretrained ?? []).sort();
      throw new CodexError(
        'E_TOKENIZER',
        `no tokenizer backend ships the vocabulary "${name}"; available: ${known.join(', ') || '(none)'}`,
        {
          hint: 'choose one of those',
          exitCode: ExitCode.usage,
        },
      );
    }
    return {tokenizer: await found.factory.loadPretrained(name), backend: found.name, source: `pretrained:${name}`};
  }

  /** The shipped vocabulary a backend maps a model name to (`gpt-4o` → `o200k_base`), loaded. */
  async loadForModel(model: string): Promise<LoadedTokenizer> {
    for (const {factory} of await this.factories()) {
      const name = await factory.pretrainedForModel?.(model);
      if (name !== undefined) return {...(await this.loadPretrained(name)), source: `model:${model} (${name})`};
    }
    throw new CodexError('E_TOKENIZER', `no tokenizer backend knows the model "${model}"`, {
      hint: 'name a model such as gpt-4o, gpt-4 or text-davinci-003, or pass --tiktoken ENCODING',
      exitCode: ExitCode.usage,
    });
  }

  /** Every registered tokenizer backend, loaded once per command, in name order. */
  async factories(): Promise<Array<{name: string; factory: TokenizerFactory}>> {
    const out: Array<{name: string; factory: TokenizerFactory}> = [];
    for (const name of this.backends.names('tokenizer')) {
      out.push({name, factory: await this.backends.open('tokenizer', name, `tokenizer backend ${name}`)});
    }
    return out;
  }

  async #factoryFor(path: string, modelType: string): Promise<{name: string; factory: TokenizerFactory}> {
    const factories = await this.factories();
    const found = factories.find((entry) => entry.factory.modelType === modelType);
    if (found) return found;
    const known = factories.map((entry) => `${entry.factory.modelType} (${entry.name})`);
    throw new CodexError(
      'E_TOKENIZER_FILE',
      `${path}: no tokenizer backend handles model type "${modelType}"; registered: ${known.join(', ') || '(none)'}`,
      {
        hint: 'install a plugin that provides it (codex plugins:install <package>)',
        exitCode: ExitCode.input,
      },
    );
  }
}

/** Parses and checks the envelope of a tokenizer.json; returns its model type. */
function inspectDocument(path: string, text: string): string {
  let document: unknown;
  try {
    document = JSON.parse(text, (key, value: unknown) => {
      // `constructor` and `prototype` are ordinary vocabulary entries in code corpora; only `__proto__` is refused.
      if (key === '__proto__') throw new ForbiddenKey(key);
      return value;
    });
  } catch (error) {
    if (error instanceof ForbiddenKey) throw invalid(path, `holds the forbidden key "${error.key}"`);
    throw invalid(path, `is not valid JSON (${firstLine(error)})`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw invalid(path, 'is not a JSON object');
  const {version, model} = document as {version?: unknown; model?: unknown};
  if (typeof version !== 'string' || !SUPPORTED_VERSIONS.includes(version)) {
    throw invalid(path, `has format version ${JSON.stringify(version)}; this reads ${SUPPORTED_VERSIONS.map((v) => `"${v}"`).join(', ')}`);
  }
  const type = typeof model === 'object' && model !== null ? (model as {type?: unknown}).type : undefined;
  if (typeof type !== 'string') throw invalid(path, 'has no model.type');
  return type;
}

class ForbiddenKey extends Error {
  constructor(readonly key: string) {
    super(`forbidden key ${key}`);
  }
}

function invalid(path: string, what: string): CodexError {
  return new CodexError('E_TOKENIZER_FILE', `tokenizer file ${path} ${what}`, {
    hint: 'pass a tokenizer.json written by codex tokenizer:train or Hugging Face tokenizers',
    exitCode: ExitCode.input,
  });
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
