import { Eip } from '@cdktf/provider-aws/lib/eip';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Fn, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ExistingVpc, NewVpc } from '../config/environments';

export interface NetworkProps {
  readonly namePrefix: string;
  readonly network: NewVpc | ExistingVpc;
  /** Full AZ names, e.g. us-east-1a; named, not looked up, so plans run offline. */
  readonly availabilityZones: readonly [string, string];
}

/**
 * Where the ALB and the Fargate tasks live: a new VPC with public and private subnets in two AZs,
 * or an existing VPC passed through. Lambda runs outside the VPC: it calls nothing inside it.
 */
export class Network extends Construct {
  readonly vpcId: string;
  readonly publicSubnetIds: string[];
  /** Where Fargate tasks run: private subnets with NAT, else the public ones. */
  readonly serviceSubnetIds: string[];
  /** Tasks in public subnets need a public IP to pull the image (no NAT there). */
  readonly assignPublicIp: boolean;
  /** What an internet-facing load balancer must wait for: the internet gateway, when created here. */
  readonly internetReady: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { network } = props;
    this.assignPublicIp = !network.natGateway;

    if (network.kind === 'existing') {
      this.vpcId = network.vpcId;
      this.publicSubnetIds = [...network.publicSubnetIds];
      this.serviceSubnetIds = network.natGateway ? [...network.privateSubnetIds] : [...network.publicSubnetIds];
      return;
    }

    const tags = (name: string) => ({ Name: `${props.namePrefix}-${name}` });
    const vpc = new Vpc(this, 'vpc', { cidrBlock: network.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tags('vpc') });
    const internet = new InternetGateway(this, 'internet-gateway', { vpcId: vpc.id, tags: tags('igw') });

    const publicRoutes = new RouteTable(this, 'public-routes', { vpcId: vpc.id, tags: tags('public') });
    new Route(this, 'public-default-route', { routeTableId: publicRoutes.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: internet.id });

    // Four equal blocks: public subnets take the first two, private the last two.
    const subnet = (kind: 'public' | 'private', index: 0 | 1) =>
      new Subnet(this, `${kind}-${index}`, {
        vpcId: vpc.id,
        cidrBlock: Fn.cidrsubnet(network.cidr, 2, kind === 'public' ? index : index + 2),
        availabilityZone: props.availabilityZones[index],
        // Nothing launched here needs an address of its own: the ALB gets its own, tasks ask for one.
        mapPublicIpOnLaunch: false,
        tags: tags(`${kind}-${props.availabilityZones[index]}`),
      });
    const publicSubnets = [subnet('public', 0), subnet('public', 1)];
    const privateSubnets = [subnet('private', 0), subnet('private', 1)];
    publicSubnets.forEach(
      (s, i) => new RouteTableAssociation(this, `public-${i}-routes`, { subnetId: s.id, routeTableId: publicRoutes.id }),
    );

    const privateRoutes = new RouteTable(this, 'private-routes', { vpcId: vpc.id, tags: tags('private') });
    privateSubnets.forEach(
      (s, i) => new RouteTableAssociation(this, `private-${i}-routes`, { subnetId: s.id, routeTableId: privateRoutes.id }),
    );
    if (network.natGateway) {
      // One NAT gateway, not one per AZ: half the cost, at the price of egress depending on one AZ.
      const address = new Eip(this, 'nat-address', { domain: 'vpc', tags: tags('nat') });
      const nat = new NatGateway(this, 'nat-gateway', {
        allocationId: address.id,
        subnetId: publicSubnets[0]!.id,
        tags: tags('nat'),
        dependsOn: [internet],
      });
      new Route(this, 'private-default-route', { routeTableId: privateRoutes.id, destinationCidrBlock: '0.0.0.0/0', natGatewayId: nat.id });
    }

    this.internetReady = [internet];
    this.vpcId = vpc.id;
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.serviceSubnetIds = (network.natGateway ? privateSubnets : publicSubnets).map((s) => s.id);
  }
}
