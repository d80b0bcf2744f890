/** The Fastify major these plugins are written for; fastify-plugin refuses to load them on another. */
export const FASTIFY_RANGE = '5.x';
