/**
 * Text from files and arguments can carry control characters — a terminal escape sequence in a file name or a
 * JSON key, a newline that would split a one-line error, a bidirectional override that reorders what is shown.
 * Before such text reaches a terminal they are written as visible escapes (`\x1b`, `\n`, `\u202e`).
 */
export function escapeControls(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (character) => {
    const code = character.charCodeAt(0);
    if (character === '\n') return '\\n';
    if (character === '\r') return '\\r';
    if (character === '\t') return '\\t';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
