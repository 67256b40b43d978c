/**
 * Removes Brown corpus part-of-speech tags. The corpus writes every token as `word/TAG` (`The/at`,
 * `Atlanta's/np$`, `./.`), sentences one per line indented by a tab, paragraphs separated by blank lines.
 * Stripping keeps everything before a token's last `/` (so `1/2/cd` stays `1/2`), joins the words of a
 * sentence with single spaces, writes one sentence per line and drops blank lines. Tokens are otherwise kept
 * as the corpus has them (`` `` `` and `''` quotes, split punctuation).
 */
export function stripBrownTags(text: string): string {
  const sentences: string[] = [];
  for (const line of text.split('\n')) {
    const tokens = line
      .trim()
      .split(/\s+/)
      .filter((token) => token !== '');
    if (tokens.length === 0) continue;
    sentences.push(
      tokens
        .map((token) => {
          const slash = token.lastIndexOf('/');
          return slash > 0 ? token.slice(0, slash) : token;
        })
        .join(' '),
    );
  }
  return sentences.length > 0 ? `${sentences.join('\n')}\n` : '';
}
