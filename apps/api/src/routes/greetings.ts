import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { goodbye, hello } from '@switchyard/domain/greetings';
import { Type } from 'typebox';
import { ErrorEnvelope } from '../http-error';

const schema = (summary: string) => ({
  summary,
  querystring: Type.Object({ name: Type.Optional(Type.String({ maxLength: 200, description: 'Defaults to "World"' })) }),
  response: {
    200: Type.Object({ message: Type.String(), timestamp: Type.String({ format: 'date-time' }) }),
    '4xx': ErrorEnvelope,
  },
});

export const greetingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/hello', { schema: schema('Say hello') }, async ({ query }) => ({
    message: hello(query.name),
    timestamp: new Date().toISOString(),
  }));
  app.get('/goodbye', { schema: schema('Say goodbye') }, async ({ query }) => ({
    message: goodbye(query.name),
    timestamp: new Date().toISOString(),
  }));
};
