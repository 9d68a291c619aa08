/**
 * Configuration is read from the environment it is given (not always process.env): a test, the CLI
 * or an embedding program can pass its own. Bad values are refused by name.
 */
import t from 'tap'
import { loadConfig } from '../../src/config.js'

t.test('when an environment is passed, then every variable is read from it, integers included', async (t) => {
  const c = loadConfig({
    PORT: '4100',
    GROUP_COMMIT_MAX: '12',
    AUTH_FAILURES_PER_MINUTE: '7',
    WRITER_THREAD: '0',
    CHECKPOINT_INTERVAL_MS: '250',
    ALLOW_CLOSE_AHEAD: '1',
    DATABASE_FILE: '/tmp/x.db',
  })
  t.same(
    [
      c.port,
      c.groupCommitMax,
      c.authFailuresPerMinute,
      c.writerThread,
      c.checkpointIntervalMs,
      c.allowCloseAhead,
      c.databaseFile,
    ],
    [4100, 12, 7, false, 250, true, '/tmp/x.db'],
  )
})

t.test('when a variable is unset or empty, then its default holds, whatever process.env says', async (t) => {
  const saved = process.env.PORT
  process.env.PORT = '5999'
  t.teardown(() => {
    if (saved === undefined) delete process.env.PORT
    else process.env.PORT = saved
  })
  t.equal(loadConfig({}).port, 3000, 'the passed environment wins over process.env')
  t.equal(loadConfig({ PORT: '' }).port, 3000)
})

t.test('when an integer is out of range or not an integer, then it is refused naming the variable', async (t) => {
  t.throws(() => loadConfig({ PORT: '70000' }), /PORT must be an integer in 0\.\.65535/)
  t.throws(() => loadConfig({ WRITER_THREAD: 'yes' }), /WRITER_THREAD/)
  t.throws(() => loadConfig({ INITIAL_BUSINESS_DATE: '2026-02-30' }), /INITIAL_BUSINESS_DATE/)
})
