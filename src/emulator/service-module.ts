/**
 * How an AWS service plugs into the emulator's one HTTP port.
 *
 * The router authenticates the request (SigV4), parses it by protocol and hands it to the
 * module whose `service` matches the SigV4 credential scope (`ecs`, `ssm`, `sts`, `iam`, `ec2`,
 * `kms`, `logs`). awsJson1_1 services get the `X-Amz-Target` operation and the JSON body;
 * awsQuery/ec2Query services (STS, IAM, EC2) get `Action` and the form fields as-is
 * (`Filter.1.Name` keys kept flat).
 */

/** A parsed, authenticated request. */
export interface ServiceRequest {
  /** SigV4 scope service name, e.g. `ecs`. */
  readonly service: string;
  /** Operation name, e.g. `ExecuteCommand` (from X-Amz-Target) or `GetCallerIdentity` (Action). */
  readonly operation: string;
  readonly protocol: 'json' | 'query';
  /** JSON body (json) or flat form fields (query). */
  readonly input: Record<string, unknown>;
  /** The access key id that signed the request. */
  readonly accessKeyId: string;
  readonly region: string;
}

/** A full HTTP response body, already serialized. */
export interface ServiceResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A service implementation. `W` is the emulator world (state + runtime) the module needs.
 * Returns undefined for an operation it does not implement (the router then answers
 * UnknownOperationException in the protocol's error shape).
 */
export interface ServiceModule<W = unknown> {
  readonly service: string;
  readonly protocol: 'json' | 'query';
  handle(req: ServiceRequest, world: W): Promise<ServiceResponse | undefined>;
}
