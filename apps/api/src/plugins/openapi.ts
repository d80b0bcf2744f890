import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const DOCUMENT_ROUTE = { url: '/openapi.json', schema: { hide: true } } as const;

/**
 * @fastify/swagger, collecting every route schema as the routes are added; registered first, it
 * serves the OpenAPI 3 document at GET /openapi.json.
 */
export const openapi = fp(
  async function openapi(app: FastifyInstance) {
    // Loaded here, not with the module: only an app that documents itself needs it (see servedOpenapi).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { default: swagger } = require('@fastify/swagger') as typeof import('@fastify/swagger');
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'switchyard API',
          description: 'The same service on AWS Lambda and on ECS Fargate, behind one URL.',
          version: '1.0.0',
        },
      },
    });
    app.get(DOCUMENT_ROUTE.url, { schema: DOCUMENT_ROUTE.schema }, async () => app.swagger());
  },
  { name: 'openapi' },
);

export interface ServedOpenapiOptions {
  /** Builds an app with the same routes and schemas that registers `openapi`. */
  documented: () => FastifyInstance;
}

/**
 * GET /openapi.json, with the document made on the first request for it rather than at start:
 * @fastify/swagger must watch every route being added, and loading it and watching them cost each
 * Lambda cold start a few milliseconds for a document few ask for. The first request builds a twin
 * of the app that registers `openapi`, from the same options and so with the same routes and
 * schemas, takes its document and closes it.
 */
export const servedOpenapi = fp(
  async function servedOpenapi(app: FastifyInstance, { documented }: ServedOpenapiOptions) {
    let document: Promise<unknown> | undefined;
    const describe = async () => {
      const twin = documented();
      try {
        await twin.ready();
        return twin.swagger();
      } finally {
        await twin.close();
      }
    };
    app.get(DOCUMENT_ROUTE.url, { schema: DOCUMENT_ROUTE.schema }, () => {
      document ??= describe().catch((err: unknown) => {
        document = undefined;
        throw err;
      });
      return document;
    });
  },
  { name: 'openapi' },
);
