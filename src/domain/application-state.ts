/**
 * Application states as data (docs/rules.md §5): submitted → certified → approved;
 * submitted|certified → rejected | withdrawn. Any other transition is
 * INVALID_STATE (409).
 */
import { DomainError } from './errors.js'

export type ApplicationStatus = 'submitted' | 'certified' | 'approved' | 'rejected' | 'withdrawn'
export type ApplicationEvent = 'certify' | 'approve' | 'reject' | 'withdraw'

export const TRANSITIONS: Record<ApplicationEvent, { from: readonly ApplicationStatus[]; to: ApplicationStatus }> = {
  certify: { from: ['submitted'], to: 'certified' },
  approve: { from: ['certified'], to: 'approved' },
  reject: { from: ['submitted', 'certified'], to: 'rejected' },
  withdraw: { from: ['submitted', 'certified'], to: 'withdrawn' },
}

/** The next state, or INVALID_STATE. */
export function transition(status: ApplicationStatus, event: ApplicationEvent): ApplicationStatus {
  const t = TRANSITIONS[event]
  if (!t.from.includes(status)) {
    throw new DomainError(
      'INVALID_STATE',
      `Cannot ${event} an application that is ${status} (allowed from: ${t.from.join(', ')})`,
      { currentStatus: status, event },
    )
  }
  return t.to
}
