/**
 * EC2 DescribeSubnets and DescribeVpcEndpoints (ec2Query XML, scope `ec2`).
 *
 * Pages are small (at most `MaxResults`, default 5) so clients exercise NextToken.
 * Note: emulator deviation. AWS's default page is 1000 for endpoints, unpaged for subnets.
 *
 * @see botocore data/ec2/2016-11-15; src/emulator/spec/doctor-services.md
 */
import { AwsServiceError } from '../http/aws-error.js';
import type { ServiceRequest, ServiceResponse } from '../service-module.js';
import type { EmulatorWorld } from '../world.js';
import { gatedModule } from './api-denial.js';
import { doctorState, type SubnetRecord, type VpcEndpointRecord } from './doctor-state.js';
import { ec2Filters, ec2Response, el, formList } from './query-xml.js';

const PAGE = 5;

const ec2Error = (code: string, message: string) => new AwsServiceError(code, message, { status: 400 });

function page<T>(items: readonly T[], input: Record<string, unknown>): { items: T[]; next?: string } {
  const start = input['NextToken'] === undefined ? 0 : Number(input['NextToken']);
  if (!Number.isInteger(start) || start < 0 || start > items.length) {
    throw ec2Error('InvalidNextToken', 'The token is invalid.');
  }
  const max = input['MaxResults'] === undefined ? PAGE : Math.max(1, Number(input['MaxResults']));
  const end = start + max;
  return { items: items.slice(start, end), ...(end < items.length ? { next: String(end) } : {}) };
}

function matches(filters: Map<string, string[]>, fields: Record<string, string>): boolean {
  for (const [name, values] of filters) {
    const v = fields[name];
    if (v === undefined || !values.includes(v)) return false;
  }
  return true;
}

function describeSubnets(req: ServiceRequest, w: EmulatorWorld): ServiceResponse {
  const s = doctorState(w.state, w.accountId);
  const ids = formList(req.input, 'SubnetId');
  for (const id of ids) {
    if (!s.ec2.subnets.some((x) => x.subnetId === id)) {
      throw ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
    }
  }
  const filters = ec2Filters(req.input);
  const all = s.ec2.subnets.filter(
    (x) =>
      (ids.length === 0 || ids.includes(x.subnetId)) &&
      matches(filters, { 'vpc-id': x.vpcId, 'subnet-id': x.subnetId, 'owner-id': x.ownerId }),
  );
  const { items, next } = page(all, req.input);
  return ec2Response(
    'DescribeSubnets',
    `<subnetSet>${items.map((x) => subnetXml(w, x)).join('')}</subnetSet>${el('nextToken', next)}`,
    w.deps.ids.uuid(),
  );
}

function subnetXml(w: EmulatorWorld, x: SubnetRecord): string {
  return `<item>${el('subnetId', x.subnetId)}${el('subnetArn', `arn:aws:ec2:${w.region}:${x.ownerId}:subnet/${x.subnetId}`)}${el('state', 'available')}${el('vpcId', x.vpcId)}${el('ownerId', x.ownerId)}${el('cidrBlock', x.cidrBlock)}${el('availableIpAddressCount', 250)}${el('availabilityZone', x.availabilityZone)}${el('defaultForAz', false)}${el('mapPublicIpOnLaunch', false)}</item>`;
}

function describeVpcEndpoints(req: ServiceRequest, w: EmulatorWorld): ServiceResponse {
  const s = doctorState(w.state, w.accountId);
  const ids = formList(req.input, 'VpcEndpointId');
  const filters = ec2Filters(req.input);
  const all = s.ec2.endpoints.filter(
    (x) =>
      (ids.length === 0 || ids.includes(x.vpcEndpointId)) &&
      matches(filters, {
        'vpc-id': x.vpcId,
        'service-name': x.serviceName,
        'vpc-endpoint-id': x.vpcEndpointId,
        'vpc-endpoint-state': x.state,
        'vpc-endpoint-type': x.type,
      }),
  );
  const { items, next } = page(all, req.input);
  return ec2Response(
    'DescribeVpcEndpoints',
    `<vpcEndpointSet>${items.map((x) => endpointXml(w, x)).join('')}</vpcEndpointSet>${el('nextToken', next)}`,
    w.deps.ids.uuid(),
  );
}

function endpointXml(w: EmulatorWorld, x: VpcEndpointRecord): string {
  const subnets = x.type === 'Interface' ? endpointSubnets(w, x.vpcId) : '';
  return `<item>${el('vpcEndpointId', x.vpcEndpointId)}${el('vpcEndpointType', x.type)}${el('vpcId', x.vpcId)}${el('serviceName', x.serviceName)}${el('state', x.state)}${el('privateDnsEnabled', x.privateDnsEnabled)}${el('requesterManaged', false)}${el('ownerId', w.accountId)}<subnetIdSet>${subnets}</subnetIdSet><routeTableIdSet/><groupSet/><networkInterfaceIdSet/><dnsEntrySet/>${el('creationTimestamp', new Date(w.clock.now()).toISOString())}</item>`;
}

function endpointSubnets(w: EmulatorWorld, vpcId: string): string {
  return doctorState(w.state, w.accountId)
    .ec2.subnets.filter((s) => s.vpcId === vpcId)
    .map((s) => el('item', s.subnetId))
    .join('');
}

/** The EC2 module. */
export const ec2Module = gatedModule('ec2', 'query', {
  DescribeSubnets: describeSubnets,
  DescribeVpcEndpoints: describeVpcEndpoints,
});
