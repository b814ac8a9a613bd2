/**
 * The state behind the emulator's doctor services (STS, IAM, EC2, KMS, CloudWatch Logs), and the
 * knobs tests turn to drive each doctor finding.
 *
 * It lives beside the control-plane state, one per {@link EmulatorState} object (a WeakMap keyed
 * by it), so a test reaches it through `doctorState(emulator.state)` and every service module
 * through `doctorState(world.state)`.
 *
 * Note: emulator deviation. This state is in memory only: it is not written to the state file.
 *
 * Spec: src/emulator/spec/doctor-services.md.
 */
import type { EmulatorState } from '../state/world-state.js';

/** How a simulated action is denied. */
export type DenialEffect = 'implicit' | 'explicit' | 'organizations';

/** One rule of the simple policy model: everything is allowed unless a denial matches. */
export interface IamDenial {
  /** Principal ARN, or a glob (`*`, `arn:aws:iam::*:role/app-*`). */
  readonly principal: string;
  /** Action glob, case-insensitive (`ssmmessages:*`, `ecs:ExecuteCommand`). */
  readonly action: string;
  /** Resource glob. @default '*' */
  readonly resource?: string;
  /** `implicit` → implicitDeny, `explicit` → explicitDeny, `organizations` → implicitDeny by an SCP. */
  readonly effect: DenialEffect;
}

/** A subnet. */
export interface SubnetRecord {
  readonly subnetId: string;
  readonly vpcId: string;
  /** The owner account; another account models a RAM-shared subnet. */
  ownerId: string;
  readonly cidrBlock: string;
  readonly availabilityZone: string;
}

/** A VPC endpoint. */
export interface VpcEndpointRecord {
  readonly vpcEndpointId: string;
  readonly vpcId: string;
  /** `com.amazonaws.<region>.<service>` */
  readonly serviceName: string;
  readonly type: 'Interface' | 'Gateway';
  /** Lower-case, as EC2 sends it: `available`, `pending`, `deleting`, `failed`, ... */
  state: string;
  privateDnsEnabled: boolean;
}

/** A KMS key. */
export interface KmsKeyRecord {
  readonly keyId: string;
  readonly arn: string;
  readonly aliases: string[];
  /** `Enabled`, `Disabled`, `PendingDeletion`, `PendingImport`, `Unavailable`. */
  keyState: string;
  readonly createdAt: number;
}

/** A CloudWatch Logs log group. */
export interface LogGroupRecord {
  readonly name: string;
  kmsKeyId?: string;
  readonly createdAt: number;
}

/** Everything the doctor services answer from. */
export interface DoctorServicesState {
  readonly sts: {
    /** Overrides the caller ARN GetCallerIdentity reports (e.g. an assumed-role ARN). */
    callerArn?: string;
  };
  readonly iam: {
    readonly denials: IamDenial[];
    /** Instance profile name → role ARN. */
    readonly instanceProfiles: Record<string, string>;
  };
  readonly ec2: {
    readonly subnets: SubnetRecord[];
    readonly endpoints: VpcEndpointRecord[];
  };
  readonly kms: { readonly keys: KmsKeyRecord[] };
  readonly logs: { readonly logGroups: LogGroupRecord[] };
  /**
   * Doctor's own read calls that answer AccessDenied, as `service:Operation`
   * (`iam:SimulatePrincipalPolicy`, `kms:DescribeKey`, ...): drives `unknown` results.
   */
  readonly deniedApis: Set<string>;
}

/** The default VPC every emulated task's ENI sits in. */
export const EMULATOR_VPC_ID = 'vpc-0e0e0e0e0e0e0e0e0';
/** The default subnet (owned by the emulator account, no VPC endpoints: egress through a NAT). */
export const EMULATOR_SUBNET_ID = 'subnet-0e0e0e0e0e0e0e0e0';

const STATES = new WeakMap<EmulatorState, DoctorServicesState>();

/**
 * The doctor state of an emulator. Created on first use with a healthy default: one VPC and
 * subnet owned by `accountId`, no endpoints, no keys, no log groups, and every principal
 * explicitly denied ssm:StartSession on tasks (the checker's least-privilege advice).
 */
export function doctorState(state: EmulatorState, accountId = '000000000000'): DoctorServicesState {
  let s = STATES.get(state);
  if (s === undefined) {
    s = {
      sts: {},
      iam: {
        denials: [
          {
            principal: '*',
            action: 'ssm:StartSession',
            resource: 'arn:aws:ecs:*:*:task/*',
            effect: 'explicit',
          },
        ],
        instanceProfiles: {},
      },
      ec2: {
        subnets: [
          {
            subnetId: EMULATOR_SUBNET_ID,
            vpcId: EMULATOR_VPC_ID,
            ownerId: accountId,
            cidrBlock: '10.0.0.0/24',
            availabilityZone: 'us-east-1a',
          },
        ],
        endpoints: [],
      },
      kms: { keys: [] },
      logs: { logGroups: [] },
      deniedApis: new Set(),
    };
    STATES.set(state, s);
  }
  return s;
}

/** A glob (`*` any run of characters) as an anchored, case-sensitive or -insensitive RegExp. */
export function globToRegExp(glob: string, caseInsensitive = false): RegExp {
  const body = glob
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, caseInsensitive ? 'i' : '');
}

/** The decision of the simple policy model for one principal, action and resource. */
export function evaluate(
  s: DoctorServicesState,
  principal: string,
  action: string,
  resource: string,
): { decision: 'allowed' | 'implicitDeny' | 'explicitDeny'; allowedByOrganizations: boolean } {
  const matching = s.iam.denials.filter(
    (d) =>
      globToRegExp(d.principal).test(principal) &&
      globToRegExp(d.action, true).test(action) &&
      globToRegExp(d.resource ?? '*').test(resource),
  );
  if (matching.some((d) => d.effect === 'explicit'))
    return { decision: 'explicitDeny', allowedByOrganizations: true };
  if (matching.some((d) => d.effect === 'organizations'))
    return { decision: 'implicitDeny', allowedByOrganizations: false };
  if (matching.length > 0) return { decision: 'implicitDeny', allowedByOrganizations: true };
  return { decision: 'allowed', allowedByOrganizations: true };
}
