// A write refused by a constraint, told apart from any other database error: the constraint is the
// rule (two concurrent writers cannot both pass a check), the caller turns it into its AppError.

/** Whether `err` is PostgreSQL's unique violation (23505) of the named index or constraint. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && e.constraint === constraint;
}

/** One Digital ID per phone: the unique index of digital_profiles.phone (migration 0014). */
export const PROFILE_PHONE_KEY = 'digital_profiles_phone_key';
