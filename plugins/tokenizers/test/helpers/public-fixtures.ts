import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {gunzipSync} from 'node:zlib';

/** The public tokenizer.json files kept in `test/fixtures/public`, with the sha256 its README records for each. */
const KEPT = {
  'bert-base-uncased': 'aac2294c25d64ef63df2949bf12ae7d26bba66d92ba412ee605c555a156acfda',
  'roberta-base': 'dba6b518ae1e6aeacad187692649858699aad7dd84e17afe8dc9188e9b477916',
  't5-base': '9a3edcb39d5c847752cec4bfc4562988828e6a45f79bc0ae03cd8ebe5b1add8e',
  'albert-base-v2': 'bc54dd3bf4c63116a94084d78dc3c7d1827910c46dd4ef5c22f1854de38853fe',
} as const;

export type KeptTokenizer = keyof typeof KEPT;

/** A kept public file's text, checked against its recorded hash: a changed file fails loudly. */
export function keptTokenizerJson(name: KeptTokenizer): string {
  const bytes = gunzipSync(readFileSync(new URL(`../../../test/fixtures/public/${name}.tokenizer.json.gz`, import.meta.url)));
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== KEPT[name]) throw new Error(`${name}.tokenizer.json.gz changed: sha256 ${actual}, the README records ${KEPT[name]}`);
  return bytes.toString('utf8');
}
