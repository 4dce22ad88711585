/**
 * HTTP double of the Orchestration Cluster REST API (`/v2`) for the endpoints the adapter calls:
 *   POST   /v2/user-tasks/search               (filter: state, processInstanceKey, userTaskKey; page: from, limit)
 *   GET    /v2/user-tasks/{userTaskKey}
 *   POST   /v2/user-tasks/{userTaskKey}/assignment   {assignee, allowOverride, action}
 *   DELETE /v2/user-tasks/{userTaskKey}/assignee
 *   POST   /v2/user-tasks/{userTaskKey}/completion   {variables, action}
 *   POST   /v2/variables/search                (filter: processInstanceKey, scopeKey; long values truncated)
 *   GET    /v2/variables/{variableKey}         (the full value)
 *   GET    /v2/process-instances/{processInstanceKey}
 *   POST   /v2/incidents/search                (filter: processInstanceKey, state, incidentKey)
 * Search results are eventually consistent like Zeebe's secondary storage: a change shows up only after the
 * broker's `searchLagMs`. Errors are RFC 9457 problem documents. When `token` is set, requests without
 * `Authorization: Bearer <token>` get 401, and `POST /oauth/token` (client credentials, form-encoded) hands that
 * token to the configured `client`. It checks the adapter's protocol use; it is not Camunda.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Broker, BrokerError, type UserTaskRecord } from './broker.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Camunda's secondary storage keeps variable values up to this many characters for search (8191). */
export const VARIABLE_PREVIEW = 8191;

const HTTP: Record<BrokerError['status'], number> = { NOT_FOUND: 404, INVALID_ARGUMENT: 400, FAILED_PRECONDITION: 409, ALREADY_EXISTS: 409, CONFLICT: 409 };

function taskJson(t: UserTaskRecord): Record<string, unknown> {
  return {
    userTaskKey: t.userTaskKey, name: t.name, state: t.state, assignee: t.assignee ?? undefined, elementId: t.elementId, elementInstanceKey: t.elementInstanceKey,
    candidateGroups: t.candidateGroups, candidateUsers: t.candidateUsers, processDefinitionId: t.processDefinitionId, processDefinitionKey: t.processDefinitionKey,
    processDefinitionVersion: t.processDefinitionVersion, processInstanceKey: t.processInstanceKey, formKey: t.formKey ?? undefined,
    creationDate: t.creationDate, completionDate: t.completionDate ?? undefined, dueDate: t.dueDate ?? undefined, followUpDate: t.followUpDate ?? undefined,
    customHeaders: t.customHeaders, priority: t.priority, tenantId: '<default>',
  };
}

function page<T>(items: T[], body: any): { items: T[]; page: { totalItems: number } } {
  const from = Number(body?.page?.from ?? 0);
  const limit = Number(body?.page?.limit ?? 100);
  return { items: items.slice(from, from + limit), page: { totalItems: items.length } };
}

export interface RestDouble {
  address: string;
  close(): Promise<void>;
  /** Requests seen, as "METHOD /path", for protocol assertions. */
  requests: string[];
}

export async function startRestDouble(broker: Broker, opts: { token?: string; client?: { id: string; secret: string } } = {}): Promise<RestDouble> {
  const requests: string[] = [];
  // Snapshots of task records as search shows them: a change becomes visible only after the lag.
  const exported = new Map<string, UserTaskRecord>();
  const view = (): UserTaskRecord[] => {
    const now = Date.now();
    for (const t of broker.userTasks.values()) if (t.visibleAt <= now) exported.set(t.userTaskKey, { ...t });
    return [...exported.values()];
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://double');
      const p = url.pathname;
      requests.push(`${req.method} ${p}`);
      const send = (status: number, body?: unknown) => {
        res.writeHead(status, body === undefined ? {} : { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' });
        res.end(body === undefined ? undefined : JSON.stringify(body));
      };
      const problem = (status: number, title: string, detail: string) => send(status, { type: 'about:blank', title, status, detail, instance: p });
      if (req.method === 'POST' && p === '/oauth/token') {
        // A client-credentials token endpoint (as Keycloak's), handing out `token` to the configured client.
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        if (form.get('grant_type') !== 'client_credentials' || !opts.client || form.get('client_id') !== opts.client.id || form.get('client_secret') !== opts.client.secret) {
          return send(401, { error: 'unauthorized_client', error_description: 'Invalid client credentials' });
        }
        return send(200, { access_token: opts.token, token_type: 'Bearer', expires_in: 300, audience: form.get('audience') });
      }
      if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) return problem(401, 'UNAUTHORIZED', 'missing or invalid bearer token');
      let body: any = {};
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      } catch {
        return problem(400, 'INVALID_ARGUMENT', 'request body is not JSON');
      }
      try {
        let m: RegExpMatchArray | null;
        if (req.method === 'POST' && p === '/v2/user-tasks/search') {
          const f = body.filter ?? {};
          const items = view()
            .filter((t) => (!f.state || t.state === f.state) && (!f.processInstanceKey || t.processInstanceKey === f.processInstanceKey) && (!f.userTaskKey || t.userTaskKey === f.userTaskKey))
            .sort((a, b) => a.creationDate.localeCompare(b.creationDate) || a.userTaskKey.localeCompare(b.userTaskKey));
          return send(200, page(items.map(taskJson), body));
        }
        if (req.method === 'GET' && (m = p.match(/^\/v2\/user-tasks\/(\d+)$/))) {
          const t = view().find((x) => x.userTaskKey === m![1]);
          return t ? send(200, taskJson(t)) : problem(404, 'NOT_FOUND', `User task with key '${m[1]}' not found`);
        }
        if (req.method === 'POST' && (m = p.match(/^\/v2\/user-tasks\/(\d+)\/assignment$/))) {
          if (typeof body.assignee !== 'string' || !body.assignee) return problem(400, 'INVALID_ARGUMENT', 'No assignee provided');
          broker.assign(m[1]!, body.assignee, body.allowOverride !== false);
          return send(204);
        }
        if (req.method === 'DELETE' && (m = p.match(/^\/v2\/user-tasks\/(\d+)\/assignee$/))) {
          broker.assign(m[1]!, null, true);
          return send(204);
        }
        if (req.method === 'POST' && (m = p.match(/^\/v2\/user-tasks\/(\d+)\/completion$/))) {
          const vars = body.variables ?? {};
          if (typeof vars !== 'object' || Array.isArray(vars)) return problem(400, 'INVALID_ARGUMENT', 'variables must be an object');
          broker.completeUserTask(m[1]!, vars);
          return send(204);
        }
        if (req.method === 'POST' && p === '/v2/variables/search') {
          const f = body.filter ?? {};
          const inst = broker.instances.get(String(f.processInstanceKey ?? ''));
          // Like Camunda 8.8, search returns long values cut to VARIABLE_PREVIEW characters with isTruncated:
          // the full value comes from GET /v2/variables/{variableKey}.
          const items = inst
            ? Object.entries(inst.vars).map(([name, value]) => {
                const json = JSON.stringify(value);
                const isTruncated = json.length > VARIABLE_PREVIEW;
                return { name, value: isTruncated ? json.slice(0, VARIABLE_PREVIEW) : json, isTruncated, scopeKey: inst.key, processInstanceKey: inst.key, variableKey: `${inst.key}-${name}`, tenantId: '<default>' };
              })
            : [];
          return send(200, page(items, body));
        }
        if (req.method === 'GET' && (m = p.match(/^\/v2\/variables\/(\d+)-([^/]+)$/))) {
          const inst = broker.instances.get(m[1]!);
          const name = decodeURIComponent(m[2]!);
          if (!inst || !(name in inst.vars)) return problem(404, 'NOT_FOUND', `Variable with key '${m[1]}-${m[2]}' not found`);
          return send(200, { name, value: JSON.stringify(inst.vars[name]), scopeKey: inst.key, processInstanceKey: inst.key, variableKey: `${inst.key}-${name}`, tenantId: '<default>' });
        }
        if (req.method === 'GET' && (m = p.match(/^\/v2\/process-instances\/(\d+)$/))) {
          const inst = broker.instances.get(m[1]!);
          if (!inst) return problem(404, 'NOT_FOUND', `Process instance with key '${m[1]}' not found`);
          const hasIncident = [...broker.incidents.values()].some((i) => i.processInstanceKey === inst.key && i.state === 'ACTIVE');
          return send(200, {
            processInstanceKey: inst.key, processDefinitionId: inst.def.bpmnProcessId, processDefinitionVersion: inst.def.version, processDefinitionKey: inst.def.key,
            state: inst.state, startDate: inst.startDate, endDate: inst.endDate ?? undefined, hasIncident, tenantId: '<default>',
          });
        }
        if (req.method === 'POST' && p === '/v2/incidents/search') {
          const f = body.filter ?? {};
          const items = [...broker.incidents.values()]
            .filter((i) => (!f.processInstanceKey || i.processInstanceKey === f.processInstanceKey) && (!f.state || i.state === f.state) && (!f.incidentKey || i.incidentKey === f.incidentKey))
            .map((i) => ({ ...i, processDefinitionKey: broker.instances.get(i.processInstanceKey)?.def.key, tenantId: '<default>' }));
          return send(200, page(items, body));
        }
        return problem(404, 'NOT_FOUND', `no route ${req.method} ${p} in the test double`);
      } catch (err) {
        if (err instanceof BrokerError) return problem(HTTP[err.status], err.status, err.message);
        return problem(500, 'INTERNAL', String((err as Error).message));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
