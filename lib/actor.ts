/**
 * Who does something, for the audit trail and the rules that depend on it: a signed-in person, or the
 * system itself (the reconciler, expiry, a resumed batch). One home for these types, used by every domain.
 */

export type Person = { id: number; email: string };

/** A person, or null for the system. */
export type Actor = Person | null;

export type ActorContext = { actor: Actor; ip: string | null };

/** A person's own action, from an address. */
export type PersonContext = { actor: Person; ip: string | null };

/** The system's context: no person, no address. */
export const system: ActorContext = { actor: null, ip: null };
