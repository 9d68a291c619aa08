/** The baseline: a bare Fastify JSON POST route, same Node, same machine, no database. */
import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.post('/echo', async (req) => ({ ok: true, received: req.body }))
await app.listen({ port: Number(process.env.PORT ?? 3999), host: '127.0.0.1' })
process.send?.('ready')
