import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";
import { msg } from "@/lib/i18n/translate";
import { passwordRules, passwordTooLong, passwordTooShort } from "@/lib/users/schemas";

/**
 * docs/sign-in.md#passwords: at least 12 characters, and not a common or easily guessed password. The
 * common-password lists and keyboard patterns come from zxcvbn-ts (a maintained package), not from us.
 */
let zxcvbn: ZxcvbnFactory | undefined;

function checker(): ZxcvbnFactory {
  zxcvbn ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return zxcvbn;
}

/** zxcvbn-ts names its findings with keys; the words people read are server.auth.password.warning.<key>. */
const warnings = [
  "topTen",
  "topHundred",
  "common",
  "similarToCommon",
  "wordByItself",
  "namesByThemselves",
  "commonNames",
  "userInputs",
  "straightRow",
  "keyPattern",
  "simpleRepeat",
  "extendedRepeat",
  "sequences",
  "recentYears",
  "dates",
] as const;
type Warning = (typeof warnings)[number];
const isWarning = (key: string): key is Warning => (warnings as readonly string[]).includes(key);

/**
 * Why this password may not be used, or null, in the language of `currentLocale()`. `about` are the person's own
 * details (name, e-mail), which a password must not lean on.
 */
export function passwordProblem(password: string, about: readonly string[] = []): string | null {
  if (password.length < passwordRules.min) return passwordTooShort();
  if (password.length > passwordRules.max) return passwordTooLong();
  const inputs = about.flatMap((value) => [value, value.replace(/[\s@._-]+/g, ""), ...value.split(/[@.\s_-]+/)]).filter((v) => v.length >= 3);
  const result = checker().check(password, inputs);
  if (result.score >= 3) return null;
  const warning = result.feedback.warning;
  const why = warning && isWarning(warning) ? msg(`server.auth.password.warning.${warning}`) : msg("server.auth.password.tooEasy");
  return msg("server.auth.password.usePhrase", { why });
}
