import { jsonBody, jsonError, jsonReply, withJson, type AwsCall } from '../aws-call';
import type { FidelityPatch } from '../fidelity-layer';

type Tags = Record<string, string>;

/**
 * Tags on Application Auto Scaling's scalable targets: given at RegisterScalableTarget, then
 * TagResource, UntagResource and ListTagsForResource, by the target's ARN.
 */
export function autoscalingTags(): FidelityPatch {
  const tags = new Map<string, Tags>();
  const ACTIONS = new Set(['RegisterScalableTarget', 'DeregisterScalableTarget', 'TagResource', 'UntagResource', 'ListTagsForResource']);
  return {
    name: 'autoscaling-tags',
    restores:
      'Application Auto Scaling tags scalable targets: RegisterScalableTarget takes Tags, and TagResource, UntagResource and ' +
      'ListTagsForResource act on a target by its ARN. ' +
      'https://docs.aws.amazon.com/autoscaling/application/userguide/resource-tagging-support.html',
    applies: (call: AwsCall) => call.service === 'application-autoscaling' && ACTIONS.has(call.action),
    async handle(call, moto) {
      const request = jsonBody<{ ResourceARN?: string; Tags?: Tags; TagKeys?: string[] }>(call);
      const arn = request.ResourceARN ?? '';
      switch (call.action) {
        case 'RegisterScalableTarget': {
          const reply = await moto(call);
          return withJson<{ ScalableTargetARN?: string }>(reply, (body) => {
            // Tags are set when the target is created; registering it again does not change them.
            if (body.ScalableTargetARN && request.Tags && !tags.has(body.ScalableTargetARN))
              tags.set(body.ScalableTargetARN, { ...request.Tags });
          });
        }
        case 'DeregisterScalableTarget':
          return moto(call);
        case 'TagResource':
          if (!arn.includes(':scalable-target/')) return jsonError(400, 'ValidationException', `Invalid ResourceARN ${arn}`);
          tags.set(arn, { ...tags.get(arn), ...request.Tags });
          return jsonReply(200, {});
        case 'UntagResource': {
          const kept = { ...tags.get(arn) };
          for (const key of request.TagKeys ?? []) delete kept[key];
          tags.set(arn, kept);
          return jsonReply(200, {});
        }
        default:
          if (!arn.includes(':scalable-target/')) return jsonError(400, 'ValidationException', `Invalid ResourceARN ${arn}`);
          return jsonReply(200, { Tags: tags.get(arn) ?? {} });
      }
    },
  };
}
