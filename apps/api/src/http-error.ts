import { Type } from 'typebox';

/** The one error body every route answers with. */
export const ErrorEnvelope = Type.Object(
  { error: Type.Object({ code: Type.String(), message: Type.String() }) },
  { description: 'Every error, whatever the route or status' },
);

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** An error a route throws on purpose; the error handler turns it into the envelope. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'HttpError';
  }
}
