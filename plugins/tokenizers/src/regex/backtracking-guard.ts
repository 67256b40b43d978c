import type {RegexNode} from './oniguruma-parser.js';

/**
 * Refuses pattern shapes that make a backtracking engine (V8's, Oniguruma's) take exponential or high-polynomial
 * time on some input, so that a pattern read from a file cannot hang encoding:
 * - a repetition inside an unbounded repetition, `(a+)+`, `(\w+\s?)*`: exponential;
 * - alternatives that can start with the same character inside an unbounded repetition, `(a|ab)*`: exponential;
 * - two adjacent unbounded repetitions of overlapping characters with something after them that can fail,
 *   `\s*\s*x`: the engine retries every split of a run before giving up, once per start position.
 * Atomic groups and possessive quantifiers never backtrack and are allowed anywhere. The patterns of public
 * tokenizer files (GPT-2, cl100k, o200k, Llama 3, Qwen, DeepSeek, …) pass.
 */
export function checkBacktracking(node: RegexNode): void {
  visit(node, false);
}

class Catastrophic extends Error {}

function visit(node: RegexNode, insideUnbounded: boolean): void {
  switch (node.kind) {
    case 'alt':
      if (insideUnbounded && overlappingAlternatives(node.alternatives)) {
        throw new Catastrophic(
          'alternatives starting with the same character inside an unbounded repetition can backtrack catastrophically',
        );
      }
      for (const alternative of node.alternatives) visit(alternative, insideUnbounded);
      return;
    case 'seq':
      checkAdjacent(node.items);
      for (const item of node.items) visit(item, insideUnbounded);
      return;
    case 'atom':
      return;
    case 'group':
      // Lookarounds and atomic groups are matched once per position: what is inside cannot be retried by the outside.
      visit(node.body, node.type === 'plain' ? insideUnbounded : false);
      return;
    case 'quant': {
      if (node.possessive) {
        visit(node.body, false);
        return;
      }
      if (insideUnbounded && node.max > 1) {
        throw new Catastrophic('a repetition nested in an unbounded repetition can backtrack catastrophically');
      }
      visit(node.body, insideUnbounded || node.max === Number.POSITIVE_INFINITY);
    }
  }
}

function checkAdjacent(items: readonly RegexNode[]): void {
  for (let i = 0; i < items.length; i++) {
    const first = repeatedAtom(items[i] as RegexNode);
    if (first === undefined || first.max !== Number.POSITIVE_INFINITY) continue;
    for (let j = i + 1; j < items.length; j++) {
      const item = items[j] as RegexNode;
      if (item.kind === 'atom' && item.zeroWidth) continue;
      const next = repeatedAtom(item);
      if (next === undefined) break;
      if (next.max === Number.POSITIVE_INFINITY && canFail(items.slice(j + 1)) && overlaps(first.js, next.js)) {
        throw new Catastrophic(
          `adjacent repetitions ${first.js}${quantifierText(first)} and ${next.js}${quantifierText(next)} of overlapping characters followed by more pattern can backtrack polynomially`,
        );
      }
      if (next.min > 0) break;
    }
  }
}

/** Whether matching `items` can fail: some item is not an optional repetition (assertions can fail). */
function canFail(items: readonly RegexNode[]): boolean {
  return items.some((item) => !(item.kind === 'quant' && item.min === 0));
}

function quantifierText(node: {min: number; max: number}): string {
  return node.min === 0 ? '*' : '+';
}

/** A greedy or lazy repetition of a single character class: its class source and bounds. */
function repeatedAtom(node: RegexNode): {js: string; min: number; max: number} | undefined {
  if (node.kind !== 'quant' || node.possessive || node.body.kind !== 'atom' || !node.body.single) return undefined;
  return {js: node.body.js, min: node.min, max: node.max};
}

function overlappingAlternatives(alternatives: readonly RegexNode[]): boolean {
  const sets = alternatives.map((alternative) => firstAtoms(alternative));
  for (let a = 0; a < sets.length; a++) {
    for (let b = a + 1; b < sets.length; b++) {
      const left = sets[a] as string[] | undefined;
      const right = sets[b] as string[] | undefined;
      if (left === undefined || right === undefined) return true;
      if (left.some((x) => right.some((y) => overlaps(x, y)))) return true;
    }
  }
  return false;
}

/** Sources of the single-character atoms a match can start with; undefined when that is not known. */
function firstAtoms(node: RegexNode): string[] | undefined {
  const out: string[] = [];
  const walk = (current: RegexNode): {ok: boolean; canBeEmpty: boolean} => {
    switch (current.kind) {
      case 'atom':
        if (current.zeroWidth) return {ok: true, canBeEmpty: true};
        if (!current.single) return {ok: false, canBeEmpty: false};
        out.push(current.js);
        return {ok: true, canBeEmpty: false};
      case 'alt': {
        let empty = false;
        for (const alternative of current.alternatives) {
          const result = walk(alternative);
          if (!result.ok) return result;
          empty ||= result.canBeEmpty;
        }
        return {ok: true, canBeEmpty: empty};
      }
      case 'seq':
        for (const item of current.items) {
          const result = walk(item);
          if (!result.ok || !result.canBeEmpty) return result;
        }
        return {ok: true, canBeEmpty: true};
      case 'group':
        if (current.type !== 'plain' && current.type !== 'atomic') return {ok: true, canBeEmpty: true};
        return walk(current.body);
      case 'quant': {
        const result = walk(current.body);
        return {ok: result.ok, canBeEmpty: result.canBeEmpty || current.min === 0};
      }
    }
  };
  return walk(node).ok ? out : undefined;
}

/** Code points tried when comparing two classes: the whole BMP (no surrogates) and a spread of astral ones. */
let samples: string[] | undefined;
function samplePoints(): string[] {
  if (samples === undefined) {
    samples = [];
    for (let code = 0; code < 0x10000; code++) if (code < 0xd800 || code > 0xdfff) samples.push(String.fromCharCode(code));
    for (let code = 0x10000; code < 0x30000; code += 37) samples.push(String.fromCodePoint(code));
    for (const code of [0xe0001, 0xe0020, 0xe0100, 0xf0000, 0x10fffd]) samples.push(String.fromCodePoint(code));
  }
  return samples;
}

const memberships = new Map<string, Uint8Array>();
function membership(js: string): Uint8Array {
  let bits = memberships.get(js);
  if (bits === undefined) {
    const regex = new RegExp(`^(?:${js})$`, 'u');
    const points = samplePoints();
    bits = new Uint8Array(points.length);
    for (let i = 0; i < points.length; i++) bits[i] = regex.test(points[i] as string) ? 1 : 0;
    memberships.set(js, bits);
  }
  return bits;
}

function overlaps(a: string, b: string): boolean {
  if (a === b) return true;
  const left = membership(a);
  const right = membership(b);
  for (let i = 0; i < left.length; i++) if (left[i] === 1 && right[i] === 1) return true;
  return false;
}
