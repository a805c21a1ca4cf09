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
  const inputs = about.flatMap((value) => [value, ...value.split(/[@.\s_-]+/)]).filter((v) => v.length >= 3);
  const result = checker().check(password, inputs);
  if (result.score >= 3) return null;
  const hint = result.feedback.warning ? `${result.feedback.warning.replace(/\.$/, "")}. ` : "";
  return `${hint}This password is too easy to guess: use a longer phrase of unrelated words.`.trim();
}
