/** Shapes of GET /api/complaints and /api/complaints/:id (server/complaints/service.ts presentComplaint). */
export interface ComplaintItem { item: string; request: string; facts: string; law: string }
export interface ComplaintDeadline { step: string; ruleId: string; basis: string; dueDate: string; dueAt: string }
export interface ComplaintRow {
  complaintId: number;
  instanceId: string | null;
  challengeId: number;
  projectNumber: string | null;
  projectName: string | null;
  purchaserName: string | null;
  agencyName: string | null;
  complainantName: string;
  items: ComplaintItem[];
  requests: string | null;
  status: string;
  effect: string | null;
  filedAt: string;
  acceptedAt: string | null;
  decidedAt: string | null;
  decision: { decisionNo: string; result: string; findings: string; reasoning: string; upheld: boolean } | null;
  suspensions: Array<{ startedAt: string; until: string; endedAt: string | null }>;
}
export interface ComplaintDetail extends ComplaintRow {
  deadlines: ComplaintDeadline[];
  activeSteps: Array<{ elementId: string; name: string | null }>;
}

/** A moment in Beijing time, minutes precision. */
export function beijing(at: string | null | undefined): string {
  if (!at) return '—';
  return new Date(at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}
