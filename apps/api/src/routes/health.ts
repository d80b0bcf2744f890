import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorEnvelope } from '../http-error';

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
        // The drain plugin answers the 503, before the route runs, exactly as it answers every other route.
        summary: 'Readiness: 200 when serving, 503 DRAINING while draining',
        response: { 200: Type.Object({ status: Type.Literal('ready') }), 503: ErrorEnvelope },
      },
    },
    async () => ({ status: 'ready' as const }),
  );
};
