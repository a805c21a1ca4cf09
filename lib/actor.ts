/**
 * Who does something, for the audit trail and the rules that depend on it: a signed-in person, or the
 * system itself (the reconciler, expiry, a resumed batch). One home for these types, used by every domain.
 */

/**
 * `apiKey`: the person acts through one of their API keys (docs/api.md#who-acts): the rules are the person's, and the
 * audit trail names the key beside them.
 */
export type Person = { id: number; email: string; apiKey?: { id: number; name: string } };

const apiKeyLabelStart = "API key ";

/** How the audit trail names a person (its `actor_email`): their e-mail, or "API key payroll-prod (siti@…)". */
export function actorLabel(person: Person): string {
  return person.apiKey ? `${apiKeyLabelStart}${person.apiKey.name} (${person.email})` : person.email;
}

/** Who an audit entry names, for screens: the person's name, or through which API key (`viaKey` words it); null for the system. */
export function actorName(entry: { actorName: string | null; actorEmail: string | null }, viaKey: (values: { name: string; key: string }) => string): string | null {
  const key = apiKeyOfLabel(entry.actorEmail);
  if (key) return viaKey({ name: entry.actorName ?? entry.actorEmail!, key });
  return entry.actorName ?? entry.actorEmail;
}

/** The key's name in an audit entry's actor label, or null for a person in the browser (an e-mail has no space). */
export function apiKeyOfLabel(label: string | null): string | null {
  const match = label?.startsWith(apiKeyLabelStart) ? /^API key (.+) \([^()\s]+\)$/.exec(label) : null;
  return match ? match[1]! : null;
}

/** A person, or null for the system. */
export type Actor = Person | null;

export type ActorContext = { actor: Actor; ip: string | null };

/** A person's own action, from an address. */
export type PersonContext = { actor: Person; ip: string | null };

/** The system's context: no person, no address. */
export const system: ActorContext = { actor: null, ip: null };
