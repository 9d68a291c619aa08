/**
 * The first screen's JavaScript budget (branch offices have slow links): the gzipped size of every
 * script index.html loads (entry and module preloads) must stay within 200 kB. Prints the figure;
 * exits 1 over budget, which fails `npm run build`. Usage: tsx src/console/budget.ts [dist/console]
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

export const BUDGET_BYTES = 200 * 1024

/** The gzipped bytes of each script the built index.html loads. */
export function firstScreenScripts(dir: string): { file: string; gzipBytes: number }[] {
  const html = readFileSync(join(dir, 'index.html'), 'utf8')
  const urls = new Set<string>()
  for (const m of html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)) urls.add(m[1]!)
  for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) urls.add(m[1]!)
  return [...urls].map((url) => ({
    file: url,
    gzipBytes: gzipSync(readFileSync(join(dir, url.replace(/^\//, '')))).length,
  }))
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.argv[2] ?? fileURLToPath(new URL('../../dist/console', import.meta.url))
  const scripts = firstScreenScripts(dir)
  const total = scripts.reduce((sum, s) => sum + s.gzipBytes, 0)
  for (const s of scripts) console.log(`  ${s.file}: ${(s.gzipBytes / 1024).toFixed(1)} kB gzipped`)
  console.log(
    `console first-screen JavaScript: ${(total / 1024).toFixed(1)} kB gzipped (budget ${BUDGET_BYTES / 1024} kB)`,
  )
  if (scripts.length === 0) {
    console.error('no script found in index.html')
    process.exit(1)
  }
  if (total > BUDGET_BYTES) {
    console.error('over the JavaScript budget')
    process.exit(1)
  }
}
