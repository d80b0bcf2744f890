import { withJson, type AwsCall } from '../aws-call';
import type { FidelityPatch } from '../fidelity-layer';

type Service = { networkConfiguration?: { awsvpcConfiguration?: unknown } };
const SERVICE_ACTIONS = new Set(['CreateService', 'UpdateService', 'DeleteService', 'DescribeServices']);

/** Leaves out a service's networkConfiguration when it has none, instead of answering an empty one. */
export const ecsServiceNetwork: FidelityPatch = {
  name: 'ecs-service-network',
  restores:
    'A service created without networkConfiguration (the EXTERNAL deployment controller keeps it on its task sets) is described ' +
    'without one: the field is "The network configuration for the service" and is absent when none was given. ' +
    'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html',
  applies: (call: AwsCall) => call.service === 'ecs' && SERVICE_ACTIONS.has(call.action),
  async handle(call, moto) {
    const drop = (service: Service | undefined) => {
      if (service?.networkConfiguration && !service.networkConfiguration.awsvpcConfiguration) delete service.networkConfiguration;
    };
    return withJson<{ service?: Service; services?: Service[] }>(await moto(call), (body) => {
      drop(body.service);
      body.services?.forEach(drop);
    });
  },
};
