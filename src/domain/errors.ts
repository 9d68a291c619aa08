/**
 * Domain errors are values with a stable machine code. The HTTP status is
 * decided once, at the edge (src/platform/errors.ts maps code → status).
 */
export class DomainError extends Error {
  readonly code: string
  readonly details?: Record<string, unknown>
  constructor(code: string, detail: string, details?: Record<string, unknown>) {
    super(detail)
    this.name = 'DomainError'
    this.code = code
    this.details = details
  }
}
