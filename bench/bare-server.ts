import * as http from 'node:http';

/**
 * The physical limit: a bare node:http server in its own process, answering what GET /health
 * answers in shape. `npm run bench` starts it, reads the port from "listening <port>", kills it.
 */
const body = Buffer.from(JSON.stringify({ status: 'ok' }));
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
