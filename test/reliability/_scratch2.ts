import { buildTestApp, rowCounts } from '../helpers/app.js'
const fake = { teardown: (_f: () => unknown) => {} } as never
const ta = await buildTestApp(fake)
for (const round of [1, 2, 3]) {
  let t0 = performance.now()
  for (let i = 0; i < 200; i++) await ta.as('admin', { method: 'GET', url: '/v1/business-date' })
  console.log('GET ms/req', (performance.now() - t0) / 200)
  t0 = performance.now()
  for (let i = 0; i < 200; i++) await ta.as(null, { method: 'GET', url: '/health' })
  console.log('health ms/req', (performance.now() - t0) / 200)
  t0 = performance.now()
  for (let i = 0; i < 200; i++) rowCounts(ta.app)
  console.log('rowCounts ms', (performance.now() - t0) / 200)
  t0 = performance.now()
  for (let i = 0; i < 200; i++) await ta.as('admin', { method: 'POST', url: '/v1/branches', payload: { code: 1 } })
  console.log('POST 400 ms/req', (performance.now() - t0) / 200)
}
await ta.app.close()
