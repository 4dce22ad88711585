/**
 * Every page of the web app, one entry each: hash path (with :params), component, who may open it, the i18n key of
 * its title and whether it appears in the top menu. Add yours with one entry (and its import).
 */
import type { ComponentType } from 'preact';
import { CalendarPage } from './pages/calendar/CalendarPage.tsx';
import * as reg from './pages/registers/defs.tsx';
import { HomePage } from './pages/home.tsx';
import { LoginPage } from './pages/login.tsx';
import { lazyPage } from './lazy.tsx';

// Heavy pages (bpmn-js, form-js) load on first visit.
const DocumentEditPage = lazyPage(() => import('./pages/documents/DocumentEditPage.tsx').then((m) => m.DocumentEditPage));
const DocumentsPage = lazyPage(() => import('./pages/documents/DocumentsPage.tsx').then((m) => m.DocumentsPage));
const DocumentViewPage = lazyPage(() => import('./pages/documents/DocumentViewPage.tsx').then((m) => m.DocumentViewPage));
const InboxPage = lazyPage(() => import('./pages/inbox/InboxPage.tsx').then((m) => m.InboxPage));
const ChangeRequestPage = lazyPage(() => import('./pages/modeler/ChangeRequestPage.tsx').then((m) => m.ChangeRequestPage));
const DeploymentsPage = lazyPage(() => import('./pages/modeler/DeploymentsPage.tsx').then((m) => m.DeploymentsPage));
const DiffPage = lazyPage(() => import('./pages/modeler/DiffPage.tsx').then((m) => m.DiffPage));
const EditorPage = lazyPage(() => import('./pages/modeler/EditorPage.tsx').then((m) => m.EditorPage));
const ProjectsPage = lazyPage(() => import('./pages/projects/ProjectsPage.tsx').then((m) => m.ProjectsPage));
const NewProjectPage = lazyPage(() => import('./pages/projects/NewProjectPage.tsx').then((m) => m.NewProjectPage));
const ProjectPage = lazyPage(() => import('./pages/projects/ProjectPage.tsx').then((m) => m.ProjectPage));
const TendersPage = lazyPage(() => import('./pages/tenders/TendersPage.tsx').then((m) => m.TendersPage));
const TenderPage = lazyPage(() => import('./pages/tenders/TenderPage.tsx').then((m) => m.TenderPage));
const SupervisionPage = lazyPage(() => import('./pages/supervision/SupervisionPage.tsx').then((m) => m.SupervisionPage));
const StatisticsPage = lazyPage(() => import('./pages/statistics/StatisticsPage.tsx').then((m) => m.StatisticsPage));
const AuditPage = lazyPage(() => import('./pages/audit/AuditPage.tsx').then((m) => m.AuditPage));
const ComplaintsPage = lazyPage(() => import('./pages/complaints/ComplaintsPage.tsx').then((m) => m.ComplaintsPage));
const ComplaintPage = lazyPage(() => import('./pages/complaints/ComplaintPage.tsx').then((m) => m.ComplaintPage));
const NewComplaintPage = lazyPage(() => import('./pages/complaints/NewComplaintPage.tsx').then((m) => m.NewComplaintPage));
const AuctionsPage = lazyPage(() => import('./pages/auctions/AuctionsPage.tsx').then((m) => m.AuctionsPage));
const AuctionPage = lazyPage(() => import('./pages/auctions/AuctionPage.tsx').then((m) => m.AuctionPage));
const ReportPage = lazyPage(() => import('./pages/complaints/ReportPage.tsx').then((m) => m.ReportPage));

export interface PageProps {
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface RouteDef {
  path: string;
  component: ComponentType<PageProps>;
  /** i18n key, e.g. 'common:nav.home' or 'registers:nav.suppliers' */
  title: string;
  /** Roles that may open it; omitted = any logged-in user. */
  roles?: readonly string[];
  /** Shown in the top menu (only for paths without params). */
  nav?: boolean;
  /** Reachable without logging in. */
  public?: boolean;
}

/** Who sees procurement projects (GET /api/projects; suppliers and experts do not). */
const PROJECT_READERS = ['purchaser', 'agency', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'auditor', 'process_admin'];
/** Roles of public bodies and the agency (registers: server/registry/access.ts STAFF). */
const REGISTER_STAFF = ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'process_admin', 'auditor'];

export const routes: RouteDef[] = [
  { path: '/', component: HomePage, title: 'common:nav.home', nav: true },
  { path: '/login', component: LoginPage, title: 'common:login.title', public: true },
  { path: '/inbox', component: InboxPage, title: 'inbox:nav.inbox', nav: true },
  { path: '/projects', component: ProjectsPage, title: 'projects:nav', nav: true, roles: PROJECT_READERS },
  { path: '/projects/new', component: NewProjectPage, title: 'projects:newTitle', roles: ['purchaser'] },
  { path: '/projects/:id', component: ProjectPage, title: 'projects:detailTitle', roles: PROJECT_READERS },
  { path: '/tenders', component: TendersPage, title: 'tenders:nav', nav: true },
  { path: '/tenders/:id', component: TenderPage, title: 'tenders:detailTitle' },
  { path: '/modeler', component: DeploymentsPage, title: 'modeler:nav', nav: true, roles: ['process_admin', 'supervisor', 'auditor'] },
  { path: '/modeler/edit', component: EditorPage, title: 'modeler:editorTitle', roles: ['process_admin'] },
  { path: '/modeler/diff/:id/:otherId', component: DiffPage, title: 'modeler:diffTitle', roles: ['process_admin', 'supervisor', 'auditor'] },
  { path: '/modeler/changes/:id', component: ChangeRequestPage, title: 'modeler:changes.title', roles: ['process_admin', 'supervisor', 'auditor'] },
  { path: '/calendar', component: CalendarPage, title: 'calendar:nav', nav: true, roles: ['process_admin', 'supervisor', 'agency', 'purchaser', 'auditor', 'finance_section'] },
  { path: '/registers/suppliers', component: reg.SuppliersPage, title: 'registers:nav.suppliers', nav: true, roles: REGISTER_STAFF.concat('supplier') },
  { path: '/registers/suppliers/:id', component: reg.SupplierPage, title: 'registers:titles.supplier', roles: REGISTER_STAFF.concat('supplier') },
  { path: '/registers/agencies', component: reg.AgenciesPage, title: 'registers:nav.agencies', nav: true },
  { path: '/registers/agencies/:id', component: reg.AgencyPage, title: 'registers:titles.agency' },
  { path: '/registers/goods', component: reg.GoodsPage, title: 'registers:nav.goods', nav: true },
  { path: '/registers/goods/:id', component: reg.GoodsItemPage, title: 'registers:titles.goods' },
  { path: '/registers/experts', component: reg.ExpertsPage, title: 'registers:nav.experts', nav: true, roles: ['supervisor', 'agency', 'finance_section', 'city_finance', 'auditor', 'expert'] },
  { path: '/registers/experts/:id', component: reg.ExpertPage, title: 'registers:titles.expert', roles: ['supervisor', 'agency', 'finance_section', 'city_finance', 'auditor', 'expert'] },
  { path: '/registers/credit', component: reg.CreditPage, title: 'registers:nav.credit', nav: true, roles: REGISTER_STAFF.concat('supplier') },
  { path: '/registers/credit/:id', component: reg.CreditRecordPage, title: 'registers:titles.credit', roles: REGISTER_STAFF.concat('supplier') },
  { path: '/documents', component: DocumentsPage, title: 'documents:nav', nav: true },
  { path: '/documents/new', component: DocumentEditPage, title: 'documents:newDocument', roles: ['purchaser', 'agency', 'process_admin'] },
  { path: '/documents/:id', component: DocumentViewPage, title: 'documents:title' },
  { path: '/supervision', component: SupervisionPage, title: 'supervision:nav', nav: true, roles: ['supervisor', 'auditor'] },
  { path: '/statistics', component: StatisticsPage, title: 'statistics:nav', nav: true, roles: ['supervisor', 'auditor', 'finance_section', 'city_finance'] },
  { path: '/audit', component: AuditPage, title: 'audit:nav', nav: true, roles: ['supervisor', 'auditor'] },
  { path: '/complaints', component: ComplaintsPage, title: 'complaints:nav', nav: true, roles: ['supplier', 'supervisor', 'agency', 'purchaser', 'auditor', 'finance_section'] },
  { path: '/complaints/new', component: NewComplaintPage, title: 'complaints:newTitle', roles: ['supplier'] },
  { path: '/complaints/:id', component: ComplaintPage, title: 'complaints:detailTitle', roles: ['supplier', 'supervisor', 'agency', 'purchaser', 'auditor', 'finance_section'] },
  { path: '/auctions', component: AuctionsPage, title: 'auctions:nav', nav: true },
  { path: '/auctions/:id', component: AuctionPage, title: 'auctions:detailTitle' },
  { path: '/report', component: ReportPage, title: 'complaints:report.nav', public: true },
];

export function canOpen(route: RouteDef, roles: readonly string[]): boolean {
  return !route.roles || route.roles.some((r) => roles.includes(r));
}

export function visibleNav(roles: readonly string[]): RouteDef[] {
  return routes.filter((r) => r.nav && canOpen(r, roles));
}
