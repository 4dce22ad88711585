/**
 * The Orchestration Cluster REST API (`/v2`) calls the adapter makes: user tasks (search, get, assignment,
 * unassignment, completion), variables, process instances and incidents. Plain fetch; the bearer token comes
 * from @camunda8/sdk's OAuth provider (client credentials) when auth is on. A problem document (RFC 9457) is
 * turned into an error carrying the HTTP status and Camunda's detail text.
 */
export interface SearchPage<T> {
  items: T[];
  page: { totalItems: number };
}

export interface RestUserTask {
  userTaskKey: string;
  name?: string;
  state: 'CREATED' | 'COMPLETED' | 'CANCELED' | 'FAILED' | string;
  assignee?: string;
  elementId: string;
  elementInstanceKey: string;
  candidateGroups?: string[];
  candidateUsers?: string[];
  processDefinitionId: string;
  processDefinitionKey: string;
  processDefinitionVersion: number;
  processInstanceKey: string;
  formKey?: string;
  creationDate: string;
  completionDate?: string;
  dueDate?: string;
  followUpDate?: string;
  customHeaders?: Record<string, string>;
  priority?: number;
}

export interface RestProcessInstance {
  processInstanceKey: string;
  processDefinitionId: string;
  processDefinitionVersion: number;
  processDefinitionKey: string;
  state: 'ACTIVE' | 'COMPLETED' | 'TERMINATED' | string;
  startDate: string;
  endDate?: string;
  hasIncident?: boolean;
}

export interface RestIncident {
  incidentKey: string;
  processInstanceKey: string;
  processDefinitionId: string;
  elementId: string;
  errorType: string;
  errorMessage: string;
  jobKey?: string | null;
  state: 'ACTIVE' | 'RESOLVED' | 'PENDING' | 'MIGRATED' | string;
  creationTime: string;
}

export interface RestVariable {
  name: string;
  value: string;
  isTruncated?: boolean;
  scopeKey: string;
  variableKey?: string;
}

export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(`Camunda REST ${status} ${title}: ${detail}`);
    this.name = 'RestError';
  }
}

export type HeadersSource = () => Promise<Record<string, string>>;

const PAGE = 100;

export class ZeebeRest {
  constructor(
    private readonly baseUrl: string,
    private readonly headers: HeadersSource,
    private readonly timeoutMs = 30_000,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl.replace(/\/+$/, '')}/v2${path}`, {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(await this.headers()) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) {
      let title = res.statusText;
      let detail = text.slice(0, 500);
      try {
        const p = JSON.parse(text) as { title?: string; detail?: string };
        title = p.title ?? title;
        detail = p.detail ?? detail;
      } catch {
        /* not a problem document */
      }
      throw new RestError(res.status, title, detail);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Every match, page by page (`page.from` / `page.limit`). */
  private async searchAll<T>(path: string, filter: Record<string, unknown>, sort?: unknown): Promise<T[]> {
    const out: T[] = [];
    for (let from = 0; ; from += PAGE) {
      const res = await this.call<SearchPage<T>>('POST', path, { filter, page: { from, limit: PAGE }, ...(sort ? { sort } : {}) });
      out.push(...res.items);
      if (res.items.length < PAGE || out.length >= res.page.totalItems) return out;
    }
  }

  searchUserTasks(filter: Record<string, unknown>): Promise<RestUserTask[]> {
    return this.searchAll('/user-tasks/search', filter, [{ field: 'creationDate', order: 'ASC' }]);
  }

  getUserTask(key: string): Promise<RestUserTask> {
    return this.call('GET', `/user-tasks/${encodeURIComponent(key)}`);
  }

  assignUserTask(key: string, assignee: string, allowOverride: boolean): Promise<void> {
    return this.call('POST', `/user-tasks/${encodeURIComponent(key)}/assignment`, { assignee, allowOverride, action: 'claim' });
  }

  unassignUserTask(key: string): Promise<void> {
    return this.call('DELETE', `/user-tasks/${encodeURIComponent(key)}/assignee`);
  }

  completeUserTask(key: string, variables: Record<string, unknown>): Promise<void> {
    return this.call('POST', `/user-tasks/${encodeURIComponent(key)}/completion`, { variables, action: 'complete' });
  }

  /**
   * The variables of the process scope of an instance, with full values: search cuts long values (Camunda 8.8:
   * over 8191 characters, `isTruncated`), so those are read one by one from GET /variables/{variableKey}.
   */
  async searchVariables(processInstanceKey: string): Promise<RestVariable[]> {
    const found = await this.searchAll<RestVariable>('/variables/search', { processInstanceKey, scopeKey: processInstanceKey });
    return Promise.all(
      found.map(async (v) => (v.isTruncated && v.variableKey ? { ...v, ...(await this.call<RestVariable>('GET', `/variables/${encodeURIComponent(v.variableKey)}`)), isTruncated: false } : v)),
    );
  }

  getProcessInstance(key: string): Promise<RestProcessInstance> {
    return this.call('GET', `/process-instances/${encodeURIComponent(key)}`);
  }

  searchIncidents(filter: Record<string, unknown>): Promise<RestIncident[]> {
    return this.searchAll('/incidents/search', filter);
  }
}
