/**
 * Who may do what: the declared access table of every route the app serves (issue 10, role matrix). The role matrix
 * test (role-matrix.test.ts) enumerates the router and FAILS for a route without an entry here, then checks every
 * route × every actor (the ten demo roles and the strangers of world.ts) × own/other's object against it.
 *
 * - `allow`: 'public' (no token), 'authenticated' (any valid token; object rules in the handler), or the roles the
 *   route's role gate lets through. Everyone else: 403 FORBIDDEN. No token on a non-public route: 401.
 * - `ids`: which seeded object of world.ts each path parameter names (GET routes are called with them).
 * - `object`: for routes on one object, the actors who may read the seeded object (2xx) — everyone else allowed by
 *   role gets `refused`: 403, or 404 where the route hides that the object exists (declared per route).
 * - `auth`: 'metrics' for routes outside the JWT scheme (a static bearer token, METRICS_TOKEN).
 * Derived from the code (addRoute `access`, the components' access functions) and docs/architecture.md, checked
 * against the brief (a supplier sees only its own bids; an agency only its own tenders; a purchaser its own
 * organisation's projects).
 */
import type { Role } from '../../server/auth/roles.ts';
import type { Actor } from './world.ts';

export type Allow = 'public' | 'authenticated' | readonly Role[];

export interface ObjectRule {
  /** Actors who may read the seeded object (answer 2xx). */
  see: readonly Actor[];
  /** The answer to every other actor the role gate lets through (a list: either, the route's own choice by caller). */
  refused: 403 | 404 | readonly (403 | 404)[];
}

export interface AccessRule {
  allow: Allow;
  ids?: Record<string, string>;
  object?: ObjectRule;
  auth?: 'metrics';
  /** Declared ahead of a route another helper is landing: may be absent from the app (checked fully once served). */
  pending?: true;
  /** The body is not JSON (server/http/route.ts rawBody): probes send none. */
  raw?: true;
  /** A PDF: 503 PDF_UNAVAILABLE on a machine without Chromium counts as served (the tests of documents cover PDFs). */
  pdf?: true;
  note?: string;
}

const INSTANCE_P1: Actor[] = ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'agency', 'process_admin', 'auditor'];
const SUPPLIER_RECORD: Actor[] = ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'process_admin', 'auditor', 'sup_a', 'purchaser2', 'agency2'];
const CREDIT_RECORD: Actor[] = ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'supplier', 'process_admin', 'auditor', 'purchaser2', 'agency2'];
const CREDIT_CODE = SUPPLIER_RECORD;
const DOCUMENT_P1 = INSTANCE_P1;
const PROJECT_P1: Actor[] = [...INSTANCE_P1, 'city_finance'];

export const ACCESS: Record<string, AccessRule> = {
  'GET /api/health': { allow: 'public' },
  // swagger's JSON under the docs router (mounted at /api): /api/openapi.json
  'GET /openapi.json': { allow: 'public' },
  // Prometheus scrape (H6, server/metrics): open unless METRICS_TOKEN is set, then a static bearer token (401 as text/plain).
  'GET /metrics': { allow: 'public', auth: 'metrics', note: 'METRICS_TOKEN gates it; not a JWT route' },
  'POST /api/auth/login': { allow: 'public' },
  'POST /api/auth/logout': { allow: 'authenticated', note: 'body {scope} is required, so the probes (unknown fields) never log anyone out' },
  'GET /api/auth/me': { allow: 'authenticated' },
  'GET /api/tasks': { allow: 'authenticated' },
  'GET /api/tasks/:id': { allow: 'authenticated', ids: { id: 'task' }, object: { see: ['dept_approver'], refused: 403 }, note: "task K2 of P2 at 主管部门审批: only its candidates and assignee (supervisors, auditors and admins read the instance instead)" },
  'POST /api/tasks/:id/claim': { allow: 'authenticated', ids: { id: 'task' } },
  'POST /api/tasks/:id/unclaim': { allow: 'authenticated', ids: { id: 'task' } },
  'POST /api/tasks/:id/complete': { allow: 'authenticated', ids: { id: 'task' } },
  'GET /api/tasks/:id/history': { allow: 'authenticated', ids: { id: 'task' }, object: { see: ['dept_approver'], refused: 403 } },
  'GET /api/instances/:id/history': { allow: 'authenticated', ids: { id: 'instance' }, object: { see: INSTANCE_P1, refused: 403 } },
  'POST /api/tasks/:id/comments': { allow: 'authenticated', ids: { id: 'task' } },
  'GET /api/tasks/:id/diagram': { allow: 'authenticated', ids: { id: 'task' }, object: { see: ['dept_approver'], refused: 403 } },
  'GET /api/instances/:id/diagram': { allow: 'authenticated', ids: { id: 'instance' }, object: { see: INSTANCE_P1, refused: 403 } },
  'POST /api/processes/:bpmnProcessId/instances': { allow: ['purchaser', 'process_admin'], ids: { bpmnProcessId: 'process' } },
  'GET /api/instances/:id': { allow: 'authenticated', ids: { id: 'instance' }, object: { see: INSTANCE_P1, refused: 403 }, note: "P1's instance: its initiator and participants, the agency of its tender, supervisors, auditors, process admins" },
  'POST /api/instances/:id/cancel': { allow: ['process_admin', 'supervisor'], ids: { id: 'instance' } },
  'GET /api/incidents': { allow: ['process_admin', 'supervisor', 'auditor'] },
  'POST /api/incidents/:id/retry': { allow: ['process_admin'], ids: { id: 'incident' } },
  'POST /api/messages': { allow: ['process_admin', 'supervisor'] },
  'GET /api/deployments/change-requests': { allow: ['process_admin', 'supervisor', 'auditor'] },
  'POST /api/deployments/change-requests': { allow: ['process_admin'] },
  'GET /api/deployments/change-requests/:id': { allow: ['process_admin', 'supervisor', 'auditor'], ids: { id: 'changeRequest' }, object: { see: [], refused: 404 }, note: "none exists" },
  'GET /api/deployments': { allow: ['process_admin', 'supervisor', 'auditor'] },
  'POST /api/deployments': { allow: ['process_admin'] },
  'POST /api/deployments/lint': { allow: ['process_admin'] },
  'GET /api/deployments/:id': { allow: ['process_admin', 'supervisor', 'auditor'], ids: { id: 'deployment' } },
  'GET /api/deployments/:id/diff/:otherId': { allow: ['process_admin', 'supervisor', 'auditor'], ids: { id: 'deployment', otherId: 'deployment2' } },
  'GET /api/deployments/:id/xml': { allow: ['process_admin', 'supervisor', 'auditor'], ids: { id: 'deployment' } },
  'GET /api/calendar/days': { allow: 'authenticated' },
  'GET /api/calendar/overrides': { allow: 'authenticated' },
  'PUT /api/calendar/overrides/:date': { allow: ['process_admin'], ids: { date: 'date' } },
  'DELETE /api/calendar/overrides/:date': { allow: ['process_admin'], ids: { date: 'date' } },
  'PUT /api/calendar/years/:year': { allow: ['process_admin'], ids: { year: 'year' } },
  'GET /api/time-limits': { allow: 'authenticated' },
  'POST /api/deadlines': { allow: 'authenticated' },
  'GET /api/suppliers': { allow: ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'process_admin', 'auditor', 'supplier'] },
  'POST /api/suppliers': { allow: ['finance_section', 'supervisor', 'supplier'] },
  'GET /api/suppliers/export': { allow: ['finance_section', 'supervisor', 'auditor'] },
  'POST /api/suppliers/import': { allow: ['finance_section', 'supervisor'], raw: true },
  'GET /api/suppliers/:id': { allow: ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'process_admin', 'auditor', 'supplier'], ids: { id: 'supplier' }, object: { see: SUPPLIER_RECORD, refused: 403 }, note: "sup_a's register record: a supplier reads only its own" },
  'PATCH /api/suppliers/:id': { allow: ['finance_section', 'supervisor', 'supplier'], ids: { id: 'supplier' } },
  'GET /api/suppliers/:id/versions': { allow: ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'process_admin', 'auditor', 'supplier'], ids: { id: 'supplier' }, object: { see: SUPPLIER_RECORD, refused: 403 } },
  'GET /api/agencies': { allow: ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'expert', 'supplier', 'process_admin', 'auditor', 'works_supervisor'] },
  'POST /api/agencies': { allow: ['finance_section', 'supervisor'] },
  'GET /api/agencies/export': { allow: ['finance_section', 'supervisor', 'auditor'] },
  'POST /api/agencies/import': { allow: ['finance_section', 'supervisor'], raw: true },
  'GET /api/agencies/:id': { allow: ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'expert', 'supplier', 'process_admin', 'auditor', 'works_supervisor'], ids: { id: 'agency' } },
  'PATCH /api/agencies/:id': { allow: ['finance_section', 'supervisor', 'agency'], ids: { id: 'agency' } },
  'GET /api/agencies/:id/versions': { allow: ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'expert', 'supplier', 'process_admin', 'auditor', 'works_supervisor'], ids: { id: 'agency' } },
  'GET /api/goods': { allow: ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'expert', 'supplier', 'process_admin', 'auditor', 'works_supervisor'] },
  'POST /api/goods': { allow: ['finance_section', 'supervisor'] },
  'GET /api/goods/export': { allow: ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'expert', 'supplier', 'process_admin', 'auditor', 'works_supervisor'] },
  'POST /api/goods/import': { allow: ['finance_section', 'supervisor'], raw: true },
  'GET /api/goods/:id': { allow: ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'expert', 'supplier', 'process_admin', 'auditor', 'works_supervisor'], ids: { id: 'goods' } },
  'PATCH /api/goods/:id': { allow: ['finance_section', 'supervisor'], ids: { id: 'goods' } },
  'GET /api/goods/:id/versions': { allow: ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'expert', 'supplier', 'process_admin', 'auditor', 'works_supervisor'], ids: { id: 'goods' } },
  'GET /api/experts': { allow: ['supervisor', 'agency', 'finance_section', 'city_finance', 'auditor', 'expert'] },
  'POST /api/experts': { allow: ['supervisor'] },
  'GET /api/experts/export': { allow: ['supervisor'] },
  'POST /api/experts/import': { allow: ['supervisor'], raw: true },
  'GET /api/experts/:id': { allow: ['supervisor', 'agency', 'finance_section', 'city_finance', 'auditor', 'expert'], ids: { id: 'expert' } },
  'PATCH /api/experts/:id': { allow: ['supervisor'], ids: { id: 'expert' } },
  'GET /api/experts/:id/versions': { allow: ['supervisor', 'agency', 'finance_section', 'city_finance', 'auditor', 'expert'], ids: { id: 'expert' } },
  'GET /api/goods-categories': { allow: 'authenticated' },
  'GET /api/experts/:id/panels': { allow: ['supervisor', 'agency', 'expert'], ids: { id: 'expert' } },
  'POST /api/experts/:id/panels': { allow: ['supervisor'], ids: { id: 'expert' } },
  'GET /api/credit-records': { allow: ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'process_admin', 'auditor', 'supplier'] },
  'POST /api/credit-records': { allow: ['finance_section', 'supervisor'] },
  'GET /api/credit-records/export': { allow: ['finance_section', 'supervisor', 'auditor'] },
  'POST /api/credit-records/import': { allow: ['finance_section', 'supervisor'], raw: true },
  'GET /api/credit-records/:id': { allow: ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'process_admin', 'auditor', 'supplier'], ids: { id: 'credit' }, object: { see: CREDIT_RECORD, refused: 403 }, note: "a credit record about the demo supplier: other suppliers may not read it" },
  'PATCH /api/credit-records/:id': { allow: ['finance_section', 'supervisor'], ids: { id: 'credit' } },
  'GET /api/credit-records/:id/versions': { allow: ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'process_admin', 'auditor', 'supplier'], ids: { id: 'credit' }, object: { see: CREDIT_RECORD, refused: 403 } },
  'PUT /api/credit-records/:id/evidence': { allow: ['finance_section', 'supervisor'], raw: true, ids: { id: 'credit' } },
  'GET /api/credit-records/:id/evidence': { allow: ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'process_admin', 'auditor', 'supplier'], ids: { id: 'credit' }, object: { see: [], refused: [403, 404] }, note: "no evidence file uploaded: 404 to readers of the record, 403 to other suppliers" },
  'GET /api/credit-source-units': { allow: 'authenticated' },
  'GET /api/credit/:creditCode': { allow: ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'process_admin', 'auditor', 'supplier'], ids: { creditCode: 'creditCode' }, object: { see: CREDIT_CODE, refused: 403 }, note: "sup_a's credit code: a supplier queries only its own" },
  'POST /api/credit-checks': { allow: ['purchaser', 'agency', 'finance_section', 'supervisor'] },
  'GET /api/credit-checks': { allow: ['purchaser', 'agency', 'finance_section', 'supervisor', 'dept_approver', 'city_finance', 'auditor'] },
  'GET /api/credit-checks/:id': { allow: ['purchaser', 'agency', 'finance_section', 'supervisor', 'dept_approver', 'city_finance', 'auditor'], ids: { id: 'creditCheck' }, object: { see: [], refused: 404 }, note: "no check stored yet" },
  'GET /api/templates': { allow: 'authenticated' },
  'GET /api/templates/:id': { allow: 'authenticated', ids: { id: 'template' } },
  'POST /api/templates/:id/preview': { allow: ['purchaser', 'agency', 'process_admin'], ids: { id: 'template' } },
  'POST /api/documents': { allow: ['purchaser', 'agency', 'process_admin'] },
  'GET /api/documents': { allow: 'authenticated' },
  'GET /api/documents/:id.pdf': { allow: 'authenticated', pdf: true, ids: { id: 'document' }, object: { see: DOCUMENT_P1, refused: 403 } },
  'GET /api/documents/:id.docx': { allow: 'authenticated', ids: { id: 'document' }, object: { see: DOCUMENT_P1, refused: 403 } },
  'GET /api/documents/:id/versions': { allow: 'authenticated', ids: { id: 'document' }, object: { see: DOCUMENT_P1, refused: 403 } },
  'POST /api/documents/:id/versions': { allow: ['purchaser', 'agency', 'process_admin'], ids: { id: 'document' } },
  'GET /api/documents/:id/versions/:version': { allow: 'authenticated', ids: { id: 'document', version: 'documentVersion' }, object: { see: DOCUMENT_P1, refused: 403 } },
  'GET /api/documents/:id': { allow: 'authenticated', ids: { id: 'document' }, object: { see: DOCUMENT_P1, refused: 403 }, note: "P1's 审批表: P1's purchaser organisation, agency, approvers, supervisors, auditors, admins" },
  'POST /api/projects': { allow: ['purchaser'] },
  'GET /api/projects': { allow: ['purchaser', 'agency', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'auditor', 'process_admin', 'works_supervisor'], note: 'the works supervisor lists works tenders only' },
  'GET /api/projects/:id': { allow: ['purchaser', 'agency', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'auditor', 'process_admin', 'works_supervisor'], ids: { id: 'project' }, object: { see: PROJECT_P1, refused: 404 }, note: "another organisation's project is hidden (404); a procurement is hidden from the works supervisor" },
  'GET /api/projects/:id/diagram': { allow: ['purchaser', 'agency', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'auditor', 'process_admin', 'works_supervisor'], ids: { id: 'project' }, object: { see: PROJECT_P1, refused: 404 } },
  'GET /api/tenders': { allow: 'authenticated' },
  'GET /api/tenders/:id': { allow: 'authenticated', ids: { id: 'tender' } },
  'POST /api/tenders/:id/bid-files': { allow: ['supplier'], raw: true, ids: { id: 'tender' } },
  'POST /api/tenders/:id/bids': { allow: ['supplier'], ids: { id: 'tender' } },
  'GET /api/tenders/:id/bids': { allow: ['supplier', 'agency', 'supervisor', 'auditor'], ids: { id: 'tender' }, object: { see: ['supplier', 'sup_a', 'sup_b'], refused: 403 }, note: "sealed until the opening: each supplier gets only its own bids (checked below), everyone else 403 BIDS_SEALED / NOT_TENDER_AGENCY" },
  'GET /api/tenders/:id/bid-files/:fileId': { allow: ['supplier', 'agency', 'supervisor', 'auditor'], ids: { id: 'tender', fileId: 'bidFile' }, object: { see: [], refused: [403, 404] }, note: "no one downloads a bid file before the opening, uploader included (403; strangers to the tender 404)" },
  'DELETE /api/tenders/:id/bids/:bidId': { allow: ['supplier'], ids: { id: 'tender', bidId: 'bid' } },
  'GET /api/tenders/:id/amendments': { allow: 'authenticated', ids: { id: 'tender' } },
  'POST /api/tenders/:id/amendments': { allow: ['agency'], ids: { id: 'tender' } },
  'POST /api/tenders/:id/challenges': { allow: ['supplier'], ids: { id: 'tender' } },
  'POST /api/tenders/:id/objections': { allow: ['supplier'], ids: { id: 'tender' }, note: 'a procurement tender answers 409 NOT_A_WORKS_TENDER' },
  'GET /api/tenders/:id/challenges': { allow: ['supplier', 'agency', 'purchaser', 'supervisor', 'auditor'], ids: { id: 'tender' }, object: { see: ['purchaser', 'supervisor', 'agency', 'supplier', 'auditor', 'sup_a', 'sup_b'], refused: 403 }, note: "the tender's purchaser and agency, supervisors, auditors; suppliers their own challenges" },
  'GET /api/tenders/:id/expert-draw': { allow: ['supervisor', 'auditor', 'agency'], ids: { id: 'tender' }, object: { see: [], refused: 404 }, note: "no draw before the opening (404 to everyone the role gate lets through)" },
  'GET /api/tenders/:id/expert-draw/verify': { allow: ['supervisor', 'auditor', 'agency'], ids: { id: 'tender' }, object: { see: [], refused: 404 } },
  'GET /api/tenders/:id/evaluation': { allow: ['supervisor', 'auditor', 'agency', 'purchaser'], ids: { id: 'tender' }, object: { see: [], refused: 404 } },
  'POST /api/complaints': { allow: ['supplier'] },
  'GET /api/complaints': { allow: ['supplier', 'purchaser', 'agency', 'supervisor', 'auditor', 'finance_section', 'works_supervisor'], note: 'the works supervisor sees the complaints of works tenders' },
  'GET /api/complaints/:id': { allow: ['supplier', 'purchaser', 'agency', 'supervisor', 'auditor', 'finance_section', 'works_supervisor'], ids: { id: 'complaint' }, object: { see: [], refused: 404 }, note: "no complaint filed in the world: 404" },
  'POST /api/reports': { allow: 'public' },
  'GET /api/reports': { allow: ['supervisor', 'auditor'] },
  'GET /api/reports/:trackingCode': { allow: 'public', ids: { trackingCode: 'trackingCode' } },
  // Asset auctions (issue 11, server/auction): the world has no auction, so reads of id 1 are 404 for everyone.
  'POST /api/auctions': { allow: ['agency'] },
  'GET /api/auctions': { allow: 'authenticated' },
  'GET /api/auctions/:id': { allow: 'authenticated', ids: { id: 'complaint' }, object: { see: [], refused: 404 }, note: 'no auction in the world: 404 (id 1)' },
  'POST /api/auctions/:id/announce': { allow: ['agency'], ids: { id: 'complaint' } },
  'POST /api/auctions/:id/registrations': { allow: ['supplier'], ids: { id: 'complaint' } },
  'POST /api/auctions/:id/registrations/:registrationId/confirm': { allow: ['agency'], ids: { id: 'complaint', registrationId: 'complaint' } },
  'POST /api/auctions/:id/bids': { allow: ['supplier'], ids: { id: 'complaint' } },
  'POST /api/auctions/:id/events-ticket': { allow: 'authenticated', ids: { id: 'complaint' } },
  'GET /api/auctions/:id/events': { allow: 'public', ids: { id: 'complaint' }, note: 'SSE: authenticated by the short-lived ticket of POST …/events-ticket (EventSource sends no headers); no or a bad ticket: 401' },
  'POST /api/auctions/:id/relist': { allow: ['agency'], ids: { id: 'complaint' } },
  'POST /api/auctions/:id/contract': { allow: ['agency'], ids: { id: 'complaint' } },
  'POST /api/auctions/:id/close': { allow: ['agency'], ids: { id: 'complaint' } },
  // Audit trail (H1, landing this stop): supervisors and auditors read and verify it.
  'GET /api/audit': { allow: ['supervisor', 'auditor'], pending: true },
  'GET /api/audit/verify': { allow: ['supervisor', 'auditor'], pending: true },
  // OCDS exchange (issue 8, server/exchange): the supervision side and the city platform's account read the feed and records.
  'GET /api/ocds/releases': { allow: ['supervisor', 'auditor', 'city_finance'] },
  'GET /api/ocds/records/:ocid': { allow: ['supervisor', 'auditor', 'city_finance'], ids: { ocid: 'complaint' }, object: { see: [], refused: 404 }, note: "no seeded ocid in world.ts ('1' names none): 404 to every reader; test/api/ocds.test.ts reads real records" },
  // Supervision views (issue 8, server/supervision): read-only, for supervisors and auditors.
  'GET /api/supervision/overview': { allow: ['supervisor', 'auditor'] },
  'GET /api/supervision/instances': { allow: ['supervisor', 'auditor'] },
  'GET /api/supervision/overdue': { allow: ['supervisor', 'auditor'] },
  'GET /api/supervision/multi-stage-actors': { allow: ['supervisor', 'auditor'] },
  'GET /api/supervision/tenders': { allow: ['supervisor', 'auditor'] },
  // Statistics dashboard (issue 8, server/statistics): the people who report the centre's figures.
  'GET /api/statistics': { allow: ['supervisor', 'auditor', 'finance_section', 'city_finance'] },
  'GET /api/statistics/export': { allow: ['supervisor', 'auditor', 'finance_section', 'city_finance'], note: 'format is required: 422 without it' },
};
