/**
 * Who did a step, as the four-eyes panels say it: "Bạn (name)" for the signed-in user, "Hệ thống"
 * for the system (user 0: the CLI, the demo loader, the daily close), else the colleague's name
 * (fetched once per page, see staff-names.ts) — or "Người dùng số N" until it is known.
 */
import type { Session } from '../api/client'
import { useI18n } from '../i18n'
import { useStaffName } from '../staff-names'

export function Who({ id, session }: { id: number | null | undefined; session?: Session }) {
  const { t } = useI18n()
  const name = useStaffName(id)
  if (id === null || id === undefined) return <>—</>
  if (session && id === session.user.id)
    return (
      <>
        {t.brYou} ({session.user.name})
      </>
    )
  if (id <= 0) return <>{t.brSystemUser}</>
  return <>{name ?? `${t.brUserNo} ${id}`}</>
}
