/**
 * Staff passwords: Node's scrypt with a random salt per password; the parameters are written into
 * each hash ("scrypt$N$r$p$<salt>$<key>", base64url) so they can be raised later — a hash made with
 * older parameters still verifies, and is remade with the current ones at the next sign-in.
 * Comparison is in constant time. Hashing runs on libuv's thread pool (async): callers hash before
 * their command, never inside it (commands are synchronous).
 */
import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto'
import { DomainError } from '../../platform/errors.js'

/** N = 2^15, r = 8, p = 1: 32 MiB and a few tens of milliseconds per hash on one core. */
export const SCRYPT_PARAMS = { N: 32_768, r: 8, p: 1 } as const
const KEY_LENGTH = 32
const SALT_BYTES = 16
export const MIN_PASSWORD_LENGTH = 10
export const MAX_PASSWORD_LENGTH = 200

interface Params {
  N: number
  r: number
  p: number
}

function derive(password: string, salt: Buffer, params: Params, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem above 128·N·r, which scrypt needs (Node's default is exactly 32 MiB).
    scrypt(password.normalize('NFC'), salt, keyLength, { ...params, maxmem: 256 * params.N * params.r }, (err, key) =>
      err ? reject(err) : resolve(key),
    )
  })
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(password, salt, SCRYPT_PARAMS, KEY_LENGTH)
  const { N, r, p } = SCRYPT_PARAMS
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

function parse(stored: string): { params: Params; salt: Buffer; key: Buffer } | null {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/.exec(stored)
  if (!m) return null
  return {
    params: { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) },
    salt: Buffer.from(m[4]!, 'base64url'),
    key: Buffer.from(m[5]!, 'base64url'),
  }
}

/** Does `password` match `stored`? False for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored)
  if (!parsed) return false
  const key = await derive(password, parsed.salt, parsed.params, parsed.key.length)
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key)
}

/** Was `stored` made with other parameters than today's (remake it at the next successful sign-in)? */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored)
  return (
    !parsed ||
    parsed.params.N !== SCRYPT_PARAMS.N ||
    parsed.params.r !== SCRYPT_PARAMS.r ||
    parsed.params.p !== SCRYPT_PARAMS.p
  )
}

let dummy: Promise<string> | null = null
/**
 * A hash no password is known for: an unknown username, a user without a password and a
 * deactivated user are checked against it, so a wrong username costs the same time as a wrong password.
 */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(32).toString('base64url'))
  return dummy
}

// No 0/O, 1/l/I: read aloud or copied from paper without mistakes.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'
/** A one-time password: 16 characters of 32 (80 bits), grouped by four ("k7mq-x3vd-9hta-pw2e"). */
export function generateOneTimePassword(): string {
  const chars = Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]!)
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-')
}

/**
 * The password policy (PASSWORD_TOO_WEAK): at least 10 characters, not the username (in any case),
 * not the current password.
 */
export function assertAcceptablePassword(password: string, username: string | null, current?: string): void {
  const refuse = (message: string) =>
    new DomainError('PASSWORD_TOO_WEAK', `newPassword ${message}`, { errors: [{ field: 'body.newPassword', message }] })
  if ([...password].length < MIN_PASSWORD_LENGTH) throw refuse(`must be at least ${MIN_PASSWORD_LENGTH} characters`)
  if (username && password.trim().toLowerCase() === username.toLowerCase()) throw refuse('must not be the username')
  if (current !== undefined && password === current) throw refuse('must differ from the current password')
}
