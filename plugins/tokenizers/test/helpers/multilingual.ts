/**
 * The multilingual text tokenizers are compared on: English, accented Latin, CJK, Arabic, emoji with ZWJ
 * sequences and modifiers, combining marks, control characters, long runs of spaces and digits, special-token
 * spellings, and edge cases (empty, whitespace only, one long word).
 */
export const MULTILINGUAL: readonly string[] = [
  'Hello world! The quick brown fox jumps over the lazy dog.',
  "I'm sure they'll say it's fine, WE'VE DONE IT. Don't you?",
  'Café naïve façade résumé — São Paulo, Zürich, Ærøskøbing, Łódź, İstanbul.',
  '東京は日本の首都です。北京欢迎你！ひらがなとカタカナ、漢字。',
  '한국어 텍스트와 ภาษาไทย และ हिन्दी भाषा.',
  'مرحبا بالعالم، هذا نص عربي. שלום עולם',
  'Family: 👨‍👩‍👧‍👦 flags 🇫🇷🇩🇪 thumbs 👍🏽 and ❤️‍🔥, 🧑🏾‍💻.',
  'e\u0301 a\u0308 n\u0303 combining marks and Z\u0335\u0321a\u0336l\u0337g\u0334o',
  'tabs\tand\u0007bell\u0001ctrl and\r\nCRLF\n\nnewlines\u2028sep',
  'spaces:          end   and digits 1234567890 3.14159 2024-01-01 ٣٤٥',
  '   leading and trailing   ',
  '',
  ' ',
  '<s>special</s> tokens <|endoftext|> <|begin_of_text|> [CLS] [SEP] <unk> <pad>',
  `${'x'.repeat(300)} ${'9'.repeat(40)}`,
  'def f(x):\n    return x ** 2  # code, with {braces} and [brackets]; a/b\\c',
  'ＦＵＬＬＷＩＤＴＨ ｶﾀｶﾅ ﬁ ligature Ⅻ ½ ㎏',
];
