import { jsonBody, withJson, type AwsCall } from '../aws-call';
import type { FidelityPatch } from '../fidelity-layer';

interface LoggingConfig {
  LogFormat?: string;
  LogGroup?: string;
  ApplicationLogLevel?: string;
  SystemLogLevel?: string;
}
interface FunctionConfiguration {
  FunctionName?: string;
  LoggingConfig?: LoggingConfig;
}

const FUNCTION = /^(POST|PUT|GET) \/2015-03-31\/functions(?:\/([^/]+)(?:\/(configuration))?)?$/;

/** A function's logging configuration, kept and described as set, with Lambda's defaults. */
export function lambdaLoggingConfig(): FidelityPatch {
  const configs = new Map<string, LoggingConfig>();
  const nameOf = (nameOrArn: string) => decodeURIComponent(nameOrArn).split(':').pop()!;
  // Lambda's defaults: plain text to /aws/lambda/<function name>.
  const effective = (name: string): LoggingConfig => ({ LogFormat: 'Text', LogGroup: `/aws/lambda/${name}`, ...configs.get(name) });
  return {
    name: 'lambda-logging-config',
    restores:
      'A function keeps its LoggingConfig (log format and log group) as created or updated, and reports it in GetFunction and ' +
      'GetFunctionConfiguration; by default, Text to /aws/lambda/<function name>. ' +
      'https://docs.aws.amazon.com/lambda/latest/api/API_LoggingConfig.html',
    applies: (call: AwsCall) => call.service === 'lambda' && FUNCTION.test(call.action),
    async handle(call, moto) {
      const [, method, name, configuration] = FUNCTION.exec(call.action)!;
      const request = method === 'GET' ? {} : jsonBody<FunctionConfiguration>(call);
      const reply = await moto(call);
      if (reply.status >= 300) return reply;
      const functionName = name ? nameOf(name) : request.FunctionName;
      if (!functionName) return reply;
      if (method === 'POST') configs.set(functionName, { ...request.LoggingConfig });
      else if (configuration && request.LoggingConfig)
        configs.set(functionName, { ...configs.get(functionName), ...request.LoggingConfig });
      return withJson<FunctionConfiguration & { Configuration?: FunctionConfiguration }>(reply, (body) => {
        const described = body.Configuration ?? body;
        described.LoggingConfig = effective(described.FunctionName ?? functionName);
      });
    },
  };
}
