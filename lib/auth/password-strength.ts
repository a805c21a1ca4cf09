import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";
import { passwordRules } from "@/lib/users/schemas";

/**
 * docs/sign-in.md#passwords: at least 12 characters, and not a common or easily guessed password. The
 * common-password lists and keyboard patterns come from zxcvbn-ts (a maintained package), not from us.
 */
let zxcvbn: ZxcvbnFactory | undefined;

function checker(): ZxcvbnFactory {
  zxcvbn ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return zxcvbn;
}

/** Why this password may not be used, or null. `about` are the person's own details (name, e-mail), which a password must not lean on. */
export function passwordProblem(password: string, about: readonly string[] = []): string | null {
  if (password.length < passwordRules.min) return `A password is at least ${passwordRules.min} characters`;
  if (password.length > passwordRules.max) return `A password is at most ${passwordRules.max} characters`;
  const inputs = about.flatMap((value) => [value, value.replace(/[\s@._-]+/g, ""), ...value.split(/[@.\s_-]+/)]).filter((v) => v.length >= 3);
  const result = checker().check(password, inputs);
  if (result.score >= 3) return null;
  const why = result.feedback.warning ? warnings[result.feedback.warning] : undefined;
  return `${why ?? "This password is too easy to guess."} Use a longer phrase of unrelated words.`;
}

/** zxcvbn-ts names its findings with keys; these are the words people read. */
const warnings: Record<string, string> = {
  topTen: "This is one of the ten most used passwords.",
  topHundred: "This is one of the hundred most used passwords.",
  common: "This is a commonly used password.",
  similarToCommon: "This is very like a commonly used password.",
  wordByItself: "A single word is easy to guess.",
  namesByThemselves: "Names on their own are easy to guess.",
  commonNames: "Common names are easy to guess.",
  userInputs: "It should not contain your name or e-mail address.",
  straightRow: "A row of keys on the keyboard is easy to guess.",
  keyPattern: "A keyboard pattern is easy to guess.",
  simpleRepeat: "Repeated characters like \"aaa\" are easy to guess.",
  extendedRepeat: "Repeated patterns like \"abcabcabc\" are easy to guess.",
  sequences: "Sequences like \"abc\" or \"1234\" are easy to guess.",
  recentYears: "Recent years are easy to guess.",
  dates: "Dates are easy to guess.",
};
