/**
 * In-process gRPC double of the Zeebe gateway, built from the `zeebe.proto` that @camunda8/sdk ships
 * (package gateway_protocol). Implements only the calls the adapter makes, with Zeebe's documented wire
 * semantics: int64 keys as decimal strings, variables and custom headers as JSON strings, ActivateJobs as a
 * long-polling server stream bounded by `requestTimeout`, FailJob with retries and `retryBackOff`, ThrowError,
 * and gRPC status codes (NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, ALREADY_EXISTS) for rejections.
 * Every other RPC answers UNIMPLEMENTED. It checks the adapter's protocol use; it is not Zeebe.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Broker, BrokerError, type JobRecord } from './broker.ts';

const require = createRequire(import.meta.url);
export const ZEEBE_PROTO = path.join(path.dirname(require.resolve('@camunda8/sdk/package.json')), 'dist/proto/zeebe.proto');

/* eslint-disable @typescript-eslint/no-explicit-any */
type Unary = (call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) => void;

const STATUS: Record<BrokerError['status'], grpc.status> = {
  NOT_FOUND: grpc.status.NOT_FOUND,
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  FAILED_PRECONDITION: grpc.status.FAILED_PRECONDITION,
  ALREADY_EXISTS: grpc.status.ALREADY_EXISTS,
  CONFLICT: grpc.status.FAILED_PRECONDITION,
};

/** Zeebe's gateway rejects variables that are not a JSON document (object). */
function parseVariables(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new BrokerError('INVALID_ARGUMENT', `Expected to parse variables as JSON document, but failed: '${text.slice(0, 80)}'`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new BrokerError('INVALID_ARGUMENT', 'Expected variables to be a JSON object');
  return v as Record<string, unknown>;
}

/** With a token set, a call without `authorization: Bearer <token>` metadata is refused as Zeebe's gateway does. */
function authorized(call: { metadata: grpc.Metadata }, token: string | undefined): boolean {
  return !token || call.metadata.get('authorization').some((v) => String(v) === `Bearer ${token}`);
}

const UNAUTHENTICATED = { code: grpc.status.UNAUTHENTICATED, details: 'Expected bearer token at header with key [authorization], but found nothing' } as grpc.ServiceError;

function unary(broker: Broker, name: string, fn: (req: any) => unknown | Promise<unknown>, token?: string): Unary {
  return (call, cb) => {
    broker.count(name);
    if (!authorized(call, token)) return cb(UNAUTHENTICATED);
    Promise.resolve()
      .then(() => fn(call.request))
      .then(
        (res) => cb(null, res ?? {}),
        (err) => {
          if (err instanceof BrokerError) cb({ code: STATUS[err.status], details: err.message } as grpc.ServiceError);
          else cb({ code: grpc.status.INTERNAL, details: String((err as Error)?.message ?? err) } as grpc.ServiceError);
        },
      );
  };
}

function activatedJob(broker: Broker, j: JobRecord): Record<string, unknown> {
  return {
    key: j.key, type: j.type, processInstanceKey: j.instanceKey, bpmnProcessId: j.bpmnProcessId, processDefinitionVersion: j.version,
    processDefinitionKey: j.processDefinitionKey, elementId: j.elementId, elementInstanceKey: j.elementInstanceKey,
    customHeaders: JSON.stringify(j.headers), worker: j.worker, retries: j.retries, deadline: String(j.deadline),
    variables: JSON.stringify(broker.jobVariables(j)), tenantId: '<default>',
  };
}

export interface GrpcDouble {
  address: string;
  port: number;
  close(): Promise<void>;
}

export async function startGrpcDouble(broker: Broker, opts: { token?: string } = {}): Promise<GrpcDouble> {
  const token = opts.token;
  const def = protoLoader.loadSync(ZEEBE_PROTO, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const proto = grpc.loadPackageDefinition(def) as any;
  const service = proto.gateway_protocol.Gateway.service as grpc.ServiceDefinition;
  const open = new Set<() => void>();
  const impl: Record<string, unknown> = {};
  for (const name of Object.keys(service)) {
    impl[name] = (call: any, cb?: grpc.sendUnaryData<unknown>) => {
      broker.count(name);
      const err = { code: grpc.status.UNIMPLEMENTED, details: `${name} is not implemented by the test double` } as grpc.ServiceError;
      if (cb) cb(err);
      else call.emit('error', err);
    };
  }
  const u = (name: string, fn: (req: any) => unknown | Promise<unknown>) => unary(broker, name, fn, token);
  Object.assign(impl, {
    Topology: u('Topology', async () => {
      await broker.topologyAnswer();
      return {
        brokers: [{ nodeId: 0, host: 'double', port: 26501, version: '8.8.0-double', partitions: [{ partitionId: 1, role: 'LEADER', health: 'HEALTHY' }] }],
        clusterSize: 1, partitionsCount: 1, replicationFactor: 1, gatewayVersion: '8.8.0-double',
      };
    }),
    DeployResource: u('DeployResource', async (req) => {
      const res = await broker.deploy((req.resources ?? []).map((r: any) => ({ name: r.name, content: Buffer.from(r.content) })));
      return { key: res.key, deployments: res.deployments, tenantId: '<default>' };
    }),
    CreateProcessInstance: u('CreateProcessInstance', (req) => {
      const inst = broker.createInstance({ bpmnProcessId: req.bpmnProcessId, version: Number(req.version), processDefinitionKey: req.processDefinitionKey, variables: parseVariables(req.variables) });
      return { processDefinitionKey: inst.def.key, bpmnProcessId: inst.def.bpmnProcessId, version: inst.def.version, processInstanceKey: inst.key, tenantId: '<default>' };
    }),
    CancelProcessInstance: u('CancelProcessInstance', (req) => broker.cancelInstance(String(req.processInstanceKey))),
    PublishMessage: u('PublishMessage', (req) => ({
      key: broker.publish({ name: req.name, correlationKey: req.correlationKey, ttlMs: Number(req.timeToLive), messageId: req.messageId, variables: parseVariables(req.variables) }),
      tenantId: '<default>',
    })),
    CompleteJob: u('CompleteJob', (req) => broker.completeJob(String(req.jobKey), parseVariables(req.variables))),
    FailJob: u('FailJob', (req) => broker.failJob(String(req.jobKey), Number(req.retries), req.errorMessage, Number(req.retryBackOff))),
    ThrowError: u('ThrowError', (req) => broker.throwError(String(req.jobKey), req.errorCode, req.errorMessage, parseVariables(req.variables))),
    UpdateJobRetries: u('UpdateJobRetries', (req) => broker.updateJobRetries(String(req.jobKey), Number(req.retries))),
    ResolveIncident: u('ResolveIncident', (req) => broker.resolveIncident(String(req.incidentKey))),
    // Long polling: answer at once when jobs are there, else wait for one (or for requestTimeout) and end the stream.
    ActivateJobs: (call: grpc.ServerWritableStream<any, any>) => {
      broker.count('ActivateJobs');
      if (!authorized(call, token)) return call.emit('error', UNAUTHENTICATED);
      const req = call.request;
      const max = Math.max(1, Number(req.maxJobsToActivate) || 1);
      const timeout = Number(req.timeout);
      const requestTimeout = Number(req.requestTimeout);
      const waitMs = requestTimeout === 0 ? 10_000 : requestTimeout < 0 ? 0 : requestTimeout;
      let done = false;
      let off = () => {};
      let timer: NodeJS.Timeout | undefined;
      const finish = (jobs: JobRecord[]) => {
        if (done) return;
        done = true;
        off();
        clearTimeout(timer);
        open.delete(stop);
        if (jobs.length) call.write({ jobs: jobs.map((j) => activatedJob(broker, j)) });
        call.end();
      };
      const stop = () => finish([]);
      const attempt = () => {
        if (done || call.cancelled) return;
        const jobs = broker.activatable(req.type, max, req.worker, timeout);
        if (jobs.length) finish(jobs);
      };
      open.add(stop);
      call.on('cancelled', stop);
      attempt();
      if (done) return;
      if (waitMs === 0) return finish([]);
      off = broker.onChange(attempt);
      timer = setTimeout(stop, waitMs);
    },
  });
  const server = new grpc.Server();
  server.addService(service, impl as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    address: `grpc://127.0.0.1:${port}`,
    port,
    close: async () => {
      for (const stop of [...open]) stop();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      server.forceShutdown();
    },
  };
}
