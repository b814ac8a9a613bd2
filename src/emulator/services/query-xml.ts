/**
 * awsQuery (STS, IAM) and ec2Query (EC2) helpers: reading flat form lists and writing the XML
 * response documents the SDK parses.
 *
 * awsQuery: `<XResponse xmlns=…><XResult>…</XResult><ResponseMetadata><RequestId/></ResponseMetadata></XResponse>`,
 * lists as `<member>`. ec2Query: `<XResponse xmlns=…><requestId/>…</XResponse>`, lists as `<item>`,
 * lower-camel element names.
 *
 * @see botocore `data/sts/2011-06-15`, `data/iam/2010-05-08`, `data/ec2/2016-11-15` service models
 */
import type { ServiceResponse } from '../service-module.js';

/** XML-escapes text. */
export function xml(text: string | number | boolean): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** `<name>value</name>`, or nothing when value is undefined. */
export function el(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${xml(value)}</${name}>`;
}

/**
 * A list from flat form fields: `prefix.1`, `prefix.2`, … in index order
 * (`ActionNames.member` for awsQuery, `SubnetId` for ec2Query).
 */
export function formList(input: Record<string, unknown>, prefix: string): string[] {
  const out: Array<[number, string]> = [];
  const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)$`);
  for (const [k, v] of Object.entries(input)) {
    const m = re.exec(k);
    if (m && typeof v === 'string') out.push([Number(m[1]), v]);
  }
  return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

/** ec2Query filters: `Filter.N.Name` + `Filter.N.Value.M` → name → values. */
export function ec2Filters(input: Record<string, unknown>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of Object.entries(input)) {
    const m = /^Filter\.(\d+)\.Name$/.exec(k);
    if (m && typeof v === 'string') out.set(v, formList(input, `Filter.${m[1]}.Value`));
  }
  return out;
}

/** An awsQuery success document. */
export function queryResponse(
  action: string,
  namespace: string,
  resultXml: string,
  requestId: string,
): ServiceResponse {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}"><${action}Result>${resultXml}</${action}Result><ResponseMetadata><RequestId>${xml(requestId)}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, contentType: 'text/xml', body };
}

/** An ec2Query success document. */
export function ec2Response(action: string, bodyXml: string, requestId: string): ServiceResponse {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${xml(requestId)}</requestId>${bodyXml}</${action}Response>`;
  return { status: 200, contentType: 'text/xml;charset=UTF-8', body };
}
