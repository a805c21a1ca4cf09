/**
 * Wallet owners' names come from Cash In and are shown to the staff who confirm a payee (docs/lifecycle.md#4-the-confirmed-name-is-the-stored-name): they
 * are untrusted input. Pure, so a form or a page may use them as well as the gateway client.
 */

export const maxOwnerNameLength = 100;

/**
 * Invisible characters: format characters (bidirectional controls such as U+202E, which make "eoD nhoJ\u202Egnp.exe"
 * read as something else; zero-width characters; U+FEFF), lone surrogates, and controls other than whitespace.
 */
const INVISIBLE = /[\p{Cf}\p{Cs}]|(?!\p{White_Space})\p{Cc}/gu;

/** Without invisible characters, with single spaces, trimmed, at most `maxOwnerNameLength` code points. */
export function cleanOwnerName(raw: string): string {
  const visible = raw.replace(INVISIBLE, "").replace(/\p{White_Space}+/gu, " ").trim();
  // By code point, so a surrogate pair is never cut in half.
  return Array.from(visible).slice(0, maxOwnerNameLength).join("").trimEnd();
}

/**
 * Letters of these scripts pass for one another ("В" Cyrillic, "Β" Greek, "B" Latin), or are the other ones a name
 * may be written in. Han, kana and Hangul count as one: Japanese and Korean names mix them.
 */
const SCRIPTS = [
  /\p{Script=Latin}/u,
  /\p{Script=Cyrillic}/u,
  /\p{Script=Greek}/u,
  /\p{Script=Armenian}/u,
  /\p{Script=Cherokee}/u,
  /\p{Script=Arabic}/u,
  /\p{Script=Hebrew}/u,
  /\p{Script=Thai}/u,
  /\p{Script=Devanagari}/u,
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]/u,
];

/**
 * True when the letters of a name come from more than one script, the mark of a look-alike ("Вudi" with a Cyrillic
 * В). Accents and digits do not count: "José" is Latin. A letter of a script not listed counts as one more script.
 */
export function isMixedScript(name: string): boolean {
  const scripts = new Set<number>();
  for (const letter of name.match(/\p{L}/gu) ?? []) {
    scripts.add(SCRIPTS.findIndex((script) => script.test(letter)));
    if (scripts.size > 1) return true;
  }
  return false;
}
