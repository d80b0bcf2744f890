import type { AwsCall, AwsReply } from '../aws-call';
import type { FidelityPatch } from '../fidelity-layer';

const ACTIONS = new Set([
  'AuthorizeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
  'ModifySecurityGroupRules',
  'DescribeSecurityGroupRules',
]);

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The one description an authorize call gives its rule (IpRanges, Ipv6Ranges, PrefixListIds or UserIdGroupPairs). */
function requestedDescription(form: URLSearchParams): string | undefined {
  for (const [name, value] of form) if (/^IpPermissions\.\d+\.[A-Za-z0-9]+\.\d+\.Description$/.test(name)) return value;
  return undefined;
}

const RULE_ID = /<securityGroupRuleId>(sgr-[0-9a-f]+)<\/securityGroupRuleId>/g;

function withDescriptions(reply: AwsReply, descriptions: Map<string, string>): AwsReply {
  const xml = reply.body.toString('utf8');
  const edited = xml.replace(RULE_ID, (whole, id: string, at: number) => {
    // moto 5.2.1 drops the description of a rule that references a group, but writes a CIDR rule's, and any
    // rule's once ModifySecurityGroupRules sets it (the bare-moto tests say so). A second <description>
    // in one rule is an answer the AWS SDK for JavaScript cannot read, so one is added only where moto wrote none.
    const next = xml.indexOf('<securityGroupRuleId>', at + whole.length);
    const rule = xml.slice(at + whole.length, next === -1 ? undefined : next);
    return descriptions.has(id) && !rule.includes('<description>')
      ? `${whole}<description>${escapeXml(descriptions.get(id)!)}</description>`
      : whole;
  });
  return { ...reply, body: Buffer.from(edited) };
}

/** Security group rules keep their descriptions, and DescribeSecurityGroupRules reports them. */
export function ec2RuleDescriptions(): FidelityPatch {
  const descriptions = new Map<string, string>();
  return {
    name: 'ec2-rule-descriptions',
    restores:
      'A security group rule keeps the description it was authorized or modified with, and DescribeSecurityGroupRules reports it ' +
      '(SecurityGroupRule.Description). https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroupRule.html',
    applies: (call: AwsCall) => call.service === 'ec2' && ACTIONS.has(call.action),
    async handle(call, moto) {
      const form = new URLSearchParams(call.body.toString('utf8'));
      const reply = await moto(call);
      if (reply.status >= 300) return reply;
      if (call.action === 'ModifySecurityGroupRules') {
        for (const [name, id] of form) {
          const index = /^SecurityGroupRule\.(\d+)\.SecurityGroupRuleId$/.exec(name)?.[1];
          const description = index && form.get(`SecurityGroupRule.${index}.SecurityGroupRule.Description`);
          if (index && description !== null && description !== undefined) descriptions.set(id, description);
        }
        return reply;
      }
      if (call.action !== 'DescribeSecurityGroupRules') {
        const description = requestedDescription(form);
        const ids = [...reply.body.toString('utf8').matchAll(RULE_ID)].map((m) => m[1]!);
        if (description !== undefined) for (const id of ids) descriptions.set(id, description);
      }
      return withDescriptions(reply, descriptions);
    },
  };
}
