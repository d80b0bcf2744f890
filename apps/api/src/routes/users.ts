import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createUser } from '@switchyard/domain/users';
import { Type } from 'typebox';
import { ErrorEnvelope, HttpError } from '../http-error';

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/users',
    {
      schema: {
        summary: 'Create a user',
        body: Type.Object({ email: Type.String({ description: 'A well-formed address, e.g. ada@example.com' }) }),
        response: {
          201: Type.Object({ id: Type.String({ format: 'uuid' }), email: Type.String() }),
          '4xx': ErrorEnvelope,
        },
      },
    },
    async ({ body }, reply) => {
      const result = createUser(body);
      if (!result.ok) throw new HttpError(400, result.error.code, result.error.message);
      return reply.code(201).send(result.user);
    },
  );
};
