/**
 * Pieces every printable shares: the toolbar (back, "In"; hidden on paper), the national heading
 * with the branch's name, the signature blocks and the place-and-date line. What is printed is
 * Vietnamese whatever the console's language: the paper goes to borrowers and to the commune.
 */
import type { ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api/client'
import { formatDate } from '../format'
import { useI18n } from '../i18n'
import { Alert } from './parts'
import '../print.css'

/** The bank's name as it heads its papers. */
export const BANK = 'NGÂN HÀNG CHÍNH SÁCH XÃ HỘI'

/** Branch id → name, of the branches the caller sees. */
export function useBranchNames(): Record<number, string> {
  const [names, setNames] = useState<Record<number, string>>({})
  useEffect(() => {
    api.GET('/v1/branches', { params: { query: { limit: 500 } } }).then(
      ({ data }) => {
        if (data) setNames(Object.fromEntries(data.items.map((b) => [b.id, b.name])))
      },
      () => undefined,
    )
  }, [])
  return names
}

/** "Back" and "In" (window.print()); neither is printed. */
export function PrintToolbar({ back }: { back: { href: string; label: string } }) {
  const { t } = useI18n()
  return (
    <div class="print-toolbar no-print">
      <a href={back.href}>{back.label}</a>
      <button type="button" data-testid="print-button" onClick={() => print()}>
        {t.printButton}
      </button>
      <span class="hint">{t.printHint}</span>
    </div>
  )
}

/** The heading of a paper: the bank and its branch on the left, the national motto on the right. */
export function PrintHead({ branch }: { branch: string | undefined }) {
  return (
    <div class="print-head" data-testid="print-head">
      <div class="org">
        <strong>{BANK}</strong>
        <span>{branch ? `Chi nhánh: ${branch}` : ''}</span>
      </div>
      <div class="nation">
        <strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong>
        <span class="motto">Độc lập - Tự do - Hạnh phúc</span>
      </div>
    </div>
  )
}

/** Signature blocks: a title each, "(Ký, ghi rõ họ tên)" under it, room to sign. */
export function Signatures({ who }: { who: readonly string[] }) {
  return (
    <div class="signatures" data-testid="signatures">
      {who.map((w) => (
        <div key={w}>
          <strong>{w}</strong>
          <em>(Ký, ghi rõ họ tên)</em>
        </div>
      ))}
    </div>
  )
}

/** "Ngày 03 tháng 12 năm 2026" from a YYYY-MM-DD date. */
export function PrintDate({ date, place }: { date: string; place?: string }) {
  const [d, m, y] = formatDate(date).split('/')
  return (
    <p class="print-date">
      {place ? `${place}, ` : ''}ngày {d} tháng {m} năm {y}
    </p>
  )
}

/** A printable page: the toolbar, then the paper (Vietnamese), portrait A4 unless `wide`. */
export function Paper({
  back,
  wide,
  error,
  children,
  testid,
}: {
  back: { href: string; label: string }
  wide?: boolean
  error: string | null
  children?: ComponentChildren
  testid: string
}) {
  const { t } = useI18n()
  return (
    <section>
      <PrintToolbar back={back} />
      <Alert message={error} />
      {children ? (
        <article class={`printable ${wide ? 'wide' : 'portrait'}`} lang="vi" data-testid={testid}>
          {children}
        </article>
      ) : (
        !error && <p class="hint">{t.loading}</p>
      )}
    </section>
  )
}
