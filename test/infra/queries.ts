// Small readers over a synthesized template, so the tests say what they check rather than how to walk JSON.
import type { Template } from 'aws-cdk-lib/assertions';

export interface Resource {
  Type: string;
  Properties: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export function resources(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type) as Record<string, Resource>);
}

export function only(template: Template, type: string): [string, Resource] {
  const found = resources(template, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

export function byId(template: Template, type: string, id: string): Resource {
  const found = template.findResources(type)[id] as Resource | undefined;
  if (!found) throw new Error(`no ${type} ${id}`);
  return found;
}

/** Our handler functions, keyed by handler name (from the description `Meshmeet <handler>`). */
export function handlerFunctions(template: Template): Map<string, [string, Resource]> {
  const byName = new Map<string, [string, Resource]>();
  for (const [id, fn] of resources(template, 'AWS::Lambda::Function')) {
    const match = /^Meshmeet (\S+)$/.exec(fn.Properties.Description ?? '');
    if (match) byName.set(match[1]!, [id, fn]);
  }
  return byName;
}

/** Every statement of every IAM policy attached to the role (inline policies and AWS::IAM::Policy). */
export function roleStatements(template: Template, roleId: string): Statement[] {
  const role = template.findResources('AWS::IAM::Role')[roleId] as Resource | undefined;
  if (!role) throw new Error(`no role ${roleId}`);
  const inline = ((role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
  const attached = resources(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => (policy.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
  return [...inline, ...attached];
}

export function actions(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function roleIdOf(fn: Resource): string {
  return fn.Properties.Role['Fn::GetAtt'][0];
}

/** The function logical ID an integration or authorizer invokes (its URI embeds the function ARN). */
export function invokedFunction(uri: unknown): string | undefined {
  return /"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/.exec(JSON.stringify(uri))?.[1];
}

/** Joins a CloudFormation value into one string, rendering intrinsics as {Ref:X} / {X.Attr}, for matching. */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, any>;
    if ('Fn::Join' in v) return (v['Fn::Join'][1] as unknown[]).map(flatten).join(v['Fn::Join'][0]);
    if ('Ref' in v) return `{Ref:${v.Ref}}`;
    if ('Fn::GetAtt' in v) return `{${v['Fn::GetAtt'].join('.')}}`;
  }
  return JSON.stringify(value);
}
