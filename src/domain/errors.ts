/**
 * Domain errors are values with a stable machine code from the registry
 * (./error-codes.ts: status and Vietnamese / English texts, decided once); the
 * edge (src/platform/errors.ts) turns them into problem+json.
 */
import type { ErrorCode } from './error-codes.js'

export class DomainError extends Error {
  readonly code: ErrorCode
  readonly details?: Record<string, unknown>
  constructor(code: ErrorCode, detail: string, details?: Record<string, unknown>) {
    super(detail)
    this.name = 'DomainError'
    this.code = code
    this.details = details
  }
}
