/**
 * Line-coverage floors per folder, enforced after `npm test` (the `posttest` script).
 *
 * `npm test` runs tap under c8 (`c8 --all … tap`, see package.json): tap's own threshold is one global
 * figure over the files the tests loaded; c8 also counts the files no test loads.
 * c8 writes `.tap/report/coverage-summary.json`; this script fails when a folder is under its floor:
 *   - src/domain (pure calculations): every money rule is there;
 *   - src without src/console (the console runs in the browser and is measured by test/browser, not by node).
 * A source file no test loaded counts with all its lines uncovered (c8 --all does the same).
 *
 * Usage: `tsx test/coverage-check.ts [summary.json]`; exit code 1 under a floor or without a report.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

/** Floors in % of lines. Raise them as tests are added; never lower them to make a change pass. */
const THRESHOLDS: { name: string; floor: number; includes: (file: string) => boolean }[] = [
  { name: 'src/domain', floor: 95, includes: (f) => f.startsWith('src/domain/') },
  {
    name: 'src (without src/console)',
    floor: 85,
    includes: (f) => f.startsWith('src/') && !f.startsWith('src/console/'),
  },
]

interface Counts {
  total: number
  covered: number
}
type Summary = Record<string, { lines: Counts & { pct: number } }>

const root = resolve(import.meta.dirname, '..')
const summaryFile = resolve(process.argv[2] ?? join(root, '.tap/report/coverage-summary.json'))
if (!existsSync(summaryFile)) {
  console.error(`coverage-check: no ${relative(root, summaryFile)}; run the tests with coverage first (npm test)`)
  process.exit(1)
}
const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as Summary

/** Lines per source file (path relative to the project), from the report. */
const measured = new Map<string, Counts>()
for (const [file, s] of Object.entries(summary)) {
  if (file === 'total') continue
  measured.set(relative(root, file).split('\\').join('/'), { total: s.lines.total, covered: s.lines.covered })
}

/** Every TypeScript source under src/ (declaration files excluded). */
function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = `${dir}/${name}`
    if (statSync(join(root, path)).isDirectory()) return sources(path)
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : []
  })
}
// c8 counts every source line of a loaded file; an unloaded file counts the same way, all uncovered.
const unloaded = sources('src').filter((f) => !measured.has(f) && THRESHOLDS.some((th) => th.includes(f)))
for (const f of unloaded) measured.set(f, { total: readFileSync(join(root, f), 'utf8').split('\n').length, covered: 0 })

const pct = (c: Counts) => (c.total === 0 ? 100 : (100 * c.covered) / c.total)
let failed = false
console.log('line coverage (node tests):')
for (const th of THRESHOLDS) {
  const files = [...measured].filter(([f]) => th.includes(f))
  const sum = files.reduce((a, [, c]) => ({ total: a.total + c.total, covered: a.covered + c.covered }), {
    total: 0,
    covered: 0,
  })
  const ok = pct(sum) >= th.floor
  if (!ok) failed = true
  console.log(
    `  ${ok ? 'ok    ' : 'BELOW '} ${th.name}: ${pct(sum).toFixed(2)} % of ${sum.total} lines (floor ${th.floor} ` +
      `%)`,
  )
  if (!ok) {
    const worst = files
      .filter(([, c]) => c.covered < c.total)
      .sort(([, a], [, b]) => pct(a) - pct(b))
      .slice(0, 10)
    for (const [f, c] of worst)
      console.log(`           ${pct(c).toFixed(1).padStart(5)} %  ${c.total - c.covered} lines uncovered  ${f}`)
  }
}
if (unloaded.length) console.log(`  loaded by no test (counted as uncovered): ${unloaded.join(', ')}`)
if (failed) {
  console.error('coverage-check: line coverage under its floor (test/coverage-check.ts); add tests for the files above')
  process.exit(1)
}
