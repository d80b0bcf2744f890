// The usual Lambda-to-Fargate starting point: an express 5 app with a router, served natively or
// wrapped by @vendia/serverless-express on Lambda. Same route, same JSON as switchyard.
const express = require('express');

const router = express.Router();
router.get('/hello', (req, res) => {
  const name = typeof req.query.name === 'string' ? req.query.name : 'World';
  res.json({ message: `Hello, ${name}`, timestamp: new Date().toISOString() });
});

const app = express();
app.use(express.json());
app.use(router);

module.exports = { app };

if (require.main === module) {
  const server = app.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1', () =>
    console.log(`listening on ${process.env.PORT}`),
  );
  server.keepAliveTimeout = 65_000;
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
