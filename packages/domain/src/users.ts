import { randomUUID } from 'node:crypto';

export interface User {
  id: string;
  email: string;
}

export interface NewUser {
  email?: unknown;
}

export type UserValidationCode = 'EMAIL_REQUIRED' | 'EMAIL_INVALID';

export interface UserValidationError {
  code: UserValidationCode;
  message: string;
}

export type CreateUserResult = { ok: true; user: User } | { ok: false; error: UserValidationError };

export interface CreateUserDeps {
  /** @default crypto.randomUUID */
  generateId?: () => string;
}

// RFC 5321 limits: 64 octets for the local part, 254 for the whole forward path.
const MAX_LOCAL_LENGTH = 64;
const MAX_EMAIL_LENGTH = 254;
// RFC 5322 dot-atom local part; quoted local parts are rejected on purpose (no mail provider issues them).
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
// Host name labels (RFC 1123), at least two of them, and an alphabetic top-level label.
const DOMAIN_PART = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export function isEmail(value: string): boolean {
  if (value.length > MAX_EMAIL_LENGTH) return false;
  const at = value.lastIndexOf('@');
  if (at <= 0) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  return local.length <= MAX_LOCAL_LENGTH && LOCAL_PART.test(local) && DOMAIN_PART.test(domain);
}

/** Validates the input and returns a typed result; bad input is a value, never an exception. */
export function createUser(input: NewUser, deps: CreateUserDeps = {}): CreateUserResult {
  const raw = input.email;
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    return { ok: false, error: { code: 'EMAIL_REQUIRED', message: 'email is required' } };
  }
  if (typeof raw !== 'string' || !isEmail(raw.trim())) {
    return { ok: false, error: { code: 'EMAIL_INVALID', message: 'email must be a valid address like name@example.com' } };
  }
  const email = raw.trim();
  // Domains are case-insensitive; local parts may not be (RFC 5321 §2.4), so only the domain is folded.
  const at = email.lastIndexOf('@');
  const normalized = email.slice(0, at) + '@' + email.slice(at + 1).toLowerCase();
  const generateId = deps.generateId ?? randomUUID;
  return { ok: true, user: { id: generateId(), email: normalized } };
}
