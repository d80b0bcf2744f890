import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorEnvelope, HttpError } from '../http-error';

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    { schema: { summary: 'Liveness: 200 while the process runs', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/ready',
    {
      schema: {
        summary: 'Readiness: 200 when serving, 503 while draining',
        response: { 200: Type.Object({ status: Type.Literal('ready') }), 503: ErrorEnvelope },
      },
    },
    async () => {
      if (app.drain.draining) throw new HttpError(503, 'DRAINING', 'The server is draining');
      return { status: 'ready' as const };
    },
  );
};
