// The floor: node:http alone, answering GET /hello with the same JSON as switchyard, no framework.
const { createServer } = require('node:http');

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/hello') {
    const body = JSON.stringify({ message: `Hello, ${url.searchParams.get('name') ?? 'World'}`, timestamp: new Date().toISOString() });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
  res.end('{"error":{"code":"NOT_FOUND","message":"Not Found"}}');
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1', () => console.log(`listening on ${process.env.PORT}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
