import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isLocaleTag, transform, TRANSFORMS } from '@switchyard/domain/transforms';
import { Type } from 'typebox';
import { HttpError, ErrorEnvelope } from '../http-error';

export const transformRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const name of TRANSFORMS) {
    app.get(
      `/${name}`,
      {
        schema: {
          summary: `Return the input in ${name}`,
          querystring: Type.Object({
            input: Type.Optional(Type.String({ maxLength: 10_000, description: 'Defaults to "default"' })),
            locale: Type.Optional(Type.String({ maxLength: 64, description: 'BCP 47 tag, e.g. "tr" for Turkish casing rules' })),
          }),
          response: { 200: Type.Object({ result: Type.String() }), '4xx': ErrorEnvelope },
        },
      },
      async ({ query }) => {
        if (query.locale !== undefined && !isLocaleTag(query.locale)) {
          throw new HttpError(400, 'INVALID_LOCALE', `locale "${query.locale}" is not a BCP 47 language tag`);
        }
        return { result: transform(name, query.input, query.locale) };
      },
    );
  }
};
