import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

export type Compute = 'lambda' | 'fargate';

export const rootRoute: FastifyPluginAsyncTypebox<{ compute: Compute }> = async (app, { compute }) => {
  app.get(
    '/',
    {
      schema: {
        summary: 'Which compute answered',
        response: {
          200: Type.Object({ message: Type.String(), compute: Type.Union([Type.Literal('lambda'), Type.Literal('fargate')]) }),
        },
      },
    },
    async () => ({ message: `Hello from ${compute}`, compute }),
  );
};
