/*
 * Cold-start goals that more than one measurement judges: pnpm bench's cold suite (a fresh node on
 * this machine) and the container tier (the image as Lambda runs it).
 */

/** What the bundle may add to a trivial handler's cold start, from the Node process's start to the first answer. */
export const COLD_START_ADDED_MS = 25;

/** The bundle's cold start over a trivial handler's, in a fresh node with the image's Node and caches. */
export const COLD_START_RATIO_IN_PROCESS = 2;

/** The same from `podman run`, where the container runtime's own start is in both figures. */
export const COLD_START_RATIO_FROM_PODMAN_RUN = 1.6;
