import {CodexError, ExitCode} from '@codex-ml/core';
import {type EncodingParts, type SpecialPiece, emptyParts, pushToken} from './encoding-parts.js';
import type {JsonObject, JsonValue} from './normalizer.js';
import type {PostProcessor} from './post-processor.js';

/** One element of a template: a special token or a sequence slot (`A`, `B`), with its type id. */
export type TemplatePiece =
  | {readonly kind: 'special'; readonly name: string; readonly typeId: number}
  | {readonly kind: 'sequence'; readonly name: 'A' | 'B'; readonly typeId: number};

/** A special token a template refers to: the ids and token strings it expands to. */
export interface TemplateSpecialToken {
  readonly name: string;
  readonly ids: readonly number[];
  readonly tokens: readonly string[];
}

/**
 * Wraps sequences in special tokens following a template, e.g. `[BOS] $A [EOS]` for one sequence and
 * `[CLS] $A:0 [SEP]:0 $B:1 [SEP]:1` for a pair (tokenizer.json type `TemplateProcessing`).
 */
export class TemplatePostProcessor implements PostProcessor {
  readonly type = 'TemplateProcessing';
  readonly single: readonly TemplatePiece[];
  readonly pair: readonly TemplatePiece[];
  readonly specialTokens: ReadonlyMap<string, TemplateSpecialToken>;

  constructor(single: readonly TemplatePiece[], pair: readonly TemplatePiece[], specialTokens: readonly TemplateSpecialToken[]) {
    this.single = [...single];
    this.pair = [...pair];
    // Sorted by name: tokenizer.json writes this map with sorted keys.
    this.specialTokens = new Map(
      [...specialTokens].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((t) => [t.name, t]),
    );
    for (const piece of [...single, ...pair]) {
      if (piece.kind === 'special' && !this.specialTokens.has(piece.name)) {
        throw new CodexError('E_TOKENIZER', `post_processor template uses "${piece.name}", missing from special_tokens`, {
          hint: 'list every special token of the template under post_processor.special_tokens',
          exitCode: ExitCode.input,
        });
      }
    }
  }

  /**
   * `$A` between the `bos` and `eos` tokens of `roles` that the model has (`idOf` gives their ids); undefined when
   * it has neither, so a tokenizer without them gets no post-processor at all.
   */
  static forRoles(roles: Readonly<Record<string, string>>, idOf: (token: string) => number | undefined): TemplatePostProcessor | undefined {
    const pick = (role: string) => {
      const token = roles[role];
      const id = token === undefined ? undefined : idOf(token);
      return token === undefined || id === undefined ? undefined : {token, id};
    };
    const [bos, eos] = [pick('bos'), pick('eos')];
    return bos || eos ? TemplatePostProcessor.wrap(bos, eos) : undefined;
  }

  /** `[bos] $A [eos]` (and `[bos] $A [eos] $B:1 [eos]:1`) with the given tokens and ids; either may be omitted. */
  static wrap(bos: SpecialPiece | undefined, eos: SpecialPiece | undefined): TemplatePostProcessor {
    const special = (t: SpecialPiece): TemplateSpecialToken => ({name: t.token, ids: [t.id], tokens: [t.token]});
    const single: TemplatePiece[] = [];
    const pair: TemplatePiece[] = [];
    const tokens: TemplateSpecialToken[] = [];
    if (bos) {
      single.push({kind: 'special', name: bos.token, typeId: 0});
      pair.push({kind: 'special', name: bos.token, typeId: 0});
      tokens.push(special(bos));
    }
    single.push({kind: 'sequence', name: 'A', typeId: 0});
    pair.push({kind: 'sequence', name: 'A', typeId: 0});
    if (eos) {
      single.push({kind: 'special', name: eos.token, typeId: 0});
      pair.push({kind: 'special', name: eos.token, typeId: 0});
      tokens.push(special(eos));
    }
    pair.push({kind: 'sequence', name: 'B', typeId: 1});
    if (eos) pair.push({kind: 'special', name: eos.token, typeId: 1});
    return new TemplatePostProcessor(single, pair, tokens);
  }

  addedTokens(): number {
    let count = 0;
    for (const piece of this.single) {
      if (piece.kind === 'special') count += this.specialTokens.get(piece.name)?.ids.length ?? 0;
    }
    return count;
  }

  addedPairTokens(): number {
    let count = 0;
    for (const piece of this.pair) {
      if (piece.kind === 'special') count += this.specialTokens.get(piece.name)?.ids.length ?? 0;
    }
    return count;
  }

  /**
   * The template's pieces in order: each sequence slot gives its encoding with the slot's type id (its windows
   * keep theirs, as in Hugging Face), each special token a piece of its own when `addSpecialTokens`.
   */
  processEncodings(encodings: readonly EncodingParts[], addSpecialTokens: boolean): EncodingParts[] {
    const template = encodings.length === 2 ? this.pair : this.single;
    const pieces: EncodingParts[] = [];
    for (const piece of template) {
      if (piece.kind === 'sequence') {
        const source = encodings[piece.name === 'A' ? 0 : 1];
        if (source) pieces.push({...source, typeIds: source.typeIds.map(() => piece.typeId)});
      } else if (addSpecialTokens) {
        const out = emptyParts();
        this.#pushSpecial(out, piece);
        pieces.push(out);
      }
    }
    return pieces;
  }

  process(parts: EncodingParts, addSpecialTokens: boolean): EncodingParts {
    if (!addSpecialTokens) return parts;
    const out = emptyParts();
    for (const piece of this.single) {
      if (piece.kind === 'sequence') {
        if (piece.name !== 'A') continue;
        for (let i = 0; i < parts.ids.length; i++) {
          out.ids.push(parts.ids[i] as number);
          out.tokens.push(parts.tokens[i] as string);
          out.offsets.push(parts.offsets[i] as readonly [number, number]);
          out.typeIds.push(piece.typeId);
          out.specialTokensMask.push(parts.specialTokensMask[i] as number);
          out.attentionMask.push(parts.attentionMask[i] as number);
        }
      } else {
        this.#pushSpecial(out, piece);
      }
    }
    out.overflowing = parts.overflowing.map((window) => this.process(window, true));
    return out;
  }

  /** Appends the ids and tokens a special-token piece of the template expands to, with the piece's type id. */
  #pushSpecial(out: EncodingParts, piece: TemplatePiece & {kind: 'special'}): void {
    const special = this.specialTokens.get(piece.name) as TemplateSpecialToken;
    special.ids.forEach((id, i) => {
      pushToken(out, id, special.tokens[i] as string, [0, 0], true);
      out.typeIds[out.typeIds.length - 1] = piece.typeId;
    });
  }

  toJSON(): JsonObject {
    const specials: JsonObject = {};
    for (const [name, token] of this.specialTokens) specials[name] = {id: token.name, ids: [...token.ids], tokens: [...token.tokens]};
    return {type: this.type, single: this.single.map(pieceJson), pair: this.pair.map(pieceJson), special_tokens: specials};
  }
}

function pieceJson(piece: TemplatePiece): JsonValue {
  return piece.kind === 'special'
    ? {SpecialToken: {id: piece.name, type_id: piece.typeId}}
    : {Sequence: {id: piece.name, type_id: piece.typeId}};
}
