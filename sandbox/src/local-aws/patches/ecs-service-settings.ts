import { jsonBody, withJson, type AwsCall } from '../aws-call';
import type { FidelityPatch } from '../fidelity-layer';

interface Service {
  serviceArn?: string;
  serviceName?: string;
  clusterArn?: string;
  healthCheckGracePeriodSeconds?: number;
  availabilityZoneRebalancing?: string;
}
type Settings = Pick<Service, 'healthCheckGracePeriodSeconds' | 'availabilityZoneRebalancing'>;

const ACTIONS = new Set(['CreateService', 'UpdateService', 'DescribeServices']);
const key = (cluster: string | undefined, service: string | undefined) =>
  `${(cluster ?? 'default').split('/').pop()}/${(service ?? '').split('/').pop()}`;

/** A service's health check grace period and Availability Zone rebalancing, kept and described as set. */
export function ecsServiceSettings(): FidelityPatch {
  const settings = new Map<string, Settings>();
  const pick = (request: Service): Settings => ({
    ...(request.healthCheckGracePeriodSeconds !== undefined
      ? { healthCheckGracePeriodSeconds: request.healthCheckGracePeriodSeconds }
      : {}),
    ...(request.availabilityZoneRebalancing !== undefined ? { availabilityZoneRebalancing: request.availabilityZoneRebalancing } : {}),
  });
  const describe = (service: Service | undefined) => {
    if (service) Object.assign(service, settings.get(key(service.clusterArn, service.serviceName)));
  };
  return {
    name: 'ecs-service-settings',
    restores:
      'A service keeps healthCheckGracePeriodSeconds and availabilityZoneRebalancing as created or updated; when a create ' +
      'request leaves rebalancing out, ECS sets ENABLED. https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html',
    applies: (call: AwsCall) => call.service === 'ecs' && ACTIONS.has(call.action),
    async handle(call, moto) {
      const request = jsonBody<Service & { cluster?: string; service?: string }>(call);
      const reply = await moto(call);
      if (reply.status < 300 && call.action === 'CreateService')
        settings.set(key(request.cluster, request.serviceName), { availabilityZoneRebalancing: 'ENABLED', ...pick(request) });
      if (reply.status < 300 && call.action === 'UpdateService') {
        const id = key(request.cluster, request.service);
        settings.set(id, { ...settings.get(id), ...pick(request) });
      }
      return withJson<{ service?: Service; services?: Service[] }>(reply, (body) => {
        describe(body.service);
        body.services?.forEach(describe);
      });
    },
  };
}
