import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MAX_WORK_MS, MIN_WORK_MS, work } from '@switchyard/domain/work';
import { Type } from 'typebox';
import { ErrorEnvelope } from '../http-error';

export const workRoute: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/work',
    {
      schema: {
        summary: 'Simulate a slow request (shows long requests and graceful drain)',
        querystring: Type.Object({
          ms: Type.Integer({ minimum: MIN_WORK_MS, maximum: MAX_WORK_MS, description: 'Delay in milliseconds' }),
        }),
        response: { 200: Type.Object({ sleptMs: Type.Integer() }), '4xx': ErrorEnvelope },
      },
    },
    async ({ query }) => work(query.ms),
  );
};
