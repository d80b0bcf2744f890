import { MAX_WORK_MS } from './work';

/*
 * One timing budget for both computes, driven by the longest request the service accepts
 * (`/work`, MAX_WORK_MS). The app reads the shutdown figures; the infrastructure reads the rest.
 * Change MAX_WORK_MS and every figure below follows.
 */

/** The longest request, in whole seconds. */
export const LONGEST_REQUEST_SECONDS = Math.ceil(MAX_WORK_MS / 1000);

/** The server's drain after SIGTERM: the longest request in flight still finishes. */
export const SHUTDOWN_TIMEOUT_MS = (LONGEST_REQUEST_SECONDS + 1) * 1000;

/** ECS sends SIGKILL this long after SIGTERM: after the server has given up draining. */
export const ECS_STOP_TIMEOUT_SECONDS = SHUTDOWN_TIMEOUT_MS / 1000 + 4;

/** The most a configured drain may take: it must end before ECS's SIGKILL. */
export const MAX_SHUTDOWN_TIMEOUT_MS = (ECS_STOP_TIMEOUT_SECONDS - 1) * 1000;

/**
 * The target group keeps a deregistered task this long before ECS stops it, so requests in
 * flight finish before SIGTERM.
 */
export const DEREGISTRATION_DELAY_SECONDS = LONGEST_REQUEST_SECONDS + 5;

/** Lambda ends an invocation after this; the longest request finishes well inside it. */
export const LAMBDA_TIMEOUT_SECONDS = LONGEST_REQUEST_SECONDS + 5;

/** The ALB closes a connection idle this long; it must outlast the longest request. */
export const ALB_IDLE_TIMEOUT_SECONDS = LONGEST_REQUEST_SECONDS * 2;

/** The server keeps idle connections longer than the ALB does, so the ALB always closes first. */
export const KEEP_ALIVE_TIMEOUT_MS = (ALB_IDLE_TIMEOUT_SECONDS + 5) * 1000;

/**
 * How long routing must have left Fargate before its tasks go: ALB rule changes take effect
 * gradually ("Rule updates do not take effect immediately"), so requests may still arrive.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-update-rules.html
 */
export const ROUTING_SETTLE_SECONDS = 30;

/** A job expected to run longer than this goes to a one-off Fargate task, unless JOB_INLINE_MAX_MS says otherwise. */
export const DEFAULT_JOB_INLINE_MAX_MS = 10_000;
/** An inline job on Lambda runs in one invocation, so it must end well within the function's timeout. */
export const MAX_JOB_INLINE_MS = (LAMBDA_TIMEOUT_SECONDS - 5) * 1000;
/** Past its expected run time, a job in the API's process or an invocation has this long before it reads as TIMED_OUT. */
export const INLINE_JOB_DEADLINE_SLACK_MS = 60_000;
/** A one-off task first has to be placed, pull the image and start: up to a few minutes on Fargate. */
export const TASK_JOB_DEADLINE_SLACK_MS = 10 * 60_000;
