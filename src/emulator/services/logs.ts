/**
 * CloudWatch Logs DescribeLogGroups (awsJson1_1, `Logs_20140328.DescribeLogGroups`, scope `logs`).
 * Filters by `logGroupNamePrefix` or `logGroupNamePattern` (substring); pages of `limit` (default 5).
 * Note: emulator deviation. AWS's default page is 50.
 *
 * @see botocore data/logs/2014-03-28 DescribeLogGroups; src/emulator/spec/doctor-services.md
 */
import { AwsServiceError, jsonResponse } from '../http/aws-error.js';
import type { ServiceModule } from '../service-module.js';
import type { EmulatorWorld } from '../world.js';
import { assertApiAllowed } from './api-denial.js';
import { doctorState } from './doctor-state.js';

const PAGE = 5;

const logsError = (code: string, message: string) =>
  new AwsServiceError(code, message, { status: 400, messageKey: 'message' });

/** The CloudWatch Logs module. */
export const logsModule: ServiceModule<EmulatorWorld> = {
  service: 'logs',
  protocol: 'json',
  async handle(req, w) {
    if (req.operation !== 'DescribeLogGroups') return undefined;
    assertApiAllowed(req, w);
    const prefix = req.input['logGroupNamePrefix'];
    const pattern = req.input['logGroupNamePattern'];
    if (typeof prefix === 'string' && typeof pattern === 'string') {
      throw logsError(
        'InvalidParameterException',
        'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.',
      );
    }
    const all = doctorState(w.state, w.accountId)
      .logs.logGroups.filter(
        (g) =>
          (typeof prefix !== 'string' || g.name.startsWith(prefix)) &&
          (typeof pattern !== 'string' || g.name.toLowerCase().includes(pattern.toLowerCase())),
      )
      .sort((a, b) => a.name.localeCompare(b.name));
    const token = req.input['nextToken'];
    const start = token === undefined ? 0 : Number(token);
    if (!Number.isInteger(start) || start < 0 || start > all.length) {
      throw logsError('InvalidParameterException', 'The specified nextToken is invalid.');
    }
    const limit = typeof req.input['limit'] === 'number' ? Math.max(1, req.input['limit']) : PAGE;
    const end = start + limit;
    return jsonResponse({
      logGroups: all.slice(start, end).map((g) => {
        const arn = `arn:aws:logs:${w.region}:${w.accountId}:log-group:${g.name}`;
        return {
          logGroupName: g.name,
          creationTime: g.createdAt,
          metricFilterCount: 0,
          arn: `${arn}:*`,
          logGroupArn: arn,
          storedBytes: 0,
          logGroupClass: 'STANDARD',
          ...(g.kmsKeyId !== undefined ? { kmsKeyId: g.kmsKeyId } : {}),
        };
      }),
      ...(end < all.length ? { nextToken: String(end) } : {}),
    });
  },
};
