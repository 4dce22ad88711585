/**
 * Demo projects in the procurement chain, so that someone trying `npm start` finds work in the inboxes. Runs on
 * the first start of a new database (SEED_DEMO and SEED_DEMO_CHAIN; server/system.ts calls it when the demo
 * accounts were created by this start, after the processes are deployed and the app is built, before HTTP listens):
 *
 *   1. 询价 project 涪城区教育局教师办公便携式计算机采购项目: filed by `purchaser`, waiting at 主管部门审批
 *      (in `dept_approver`'s inbox).
 *   2. 公开招标 project 涪城区教育局计算机教室设备采购项目: filed by `purchaser`, approved by `dept_approver`,
 *      `finance_section` and `supervisor`, tender prepared by `agency` (the demo agency) and published by
 *      publish-tender with a bid deadline a week after the legal minimum (T1/T3 on the working-day calendar), so
 *      the demo `supplier` can bid at once.
 *
 * Everything goes through the engine port and the same checks the API applies: the application as
 * POST /api/projects takes it (form validation, check-application, start variables of
 * server/instances/start-variables.ts, 填报采购申请 completed as the purchaser), every other step as
 * POST /api/tasks/:id/complete does it (the user must see the task, segregation of duties, the form's validation,
 * completedBy/completedByName, the completion record). The marker is the `projects` table: with any project in
 * it nothing is done, so a restart never adds projects.
 */
import { QueryTypes } from 'sequelize';
import type { AuthUser } from '../auth/types.ts';
import { defineAuthModels } from '../auth/models.ts';
import { businessDate } from '../calendar/deadlines.ts';
import { createCalendarService } from '../calendar/service.ts';
import { shiftDate } from '../calendar/working-days.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db.ts';
import type { Engine } from '../engine/index.ts';
import type { Variables } from '../engine/port.ts';
import { defineTaskModels, type Task } from '../engine/task-projection.ts';
import { canSeeTask, assertMayActOn } from '../inbox/access.ts';
import { validateSubmission } from '../inbox/form-validation.ts';
import { readForm } from '../inbox/forms.ts';
import { insertCompletion, pendingCompletions, summarize } from '../inbox/history.ts';
import { startVariables } from '../instances/start-variables.ts';
import type { Logger } from '../logger.ts';
import { checkApplication } from '../procurement/application.ts';
import { PROCESS_OF_REGIME, PROCUREMENT_PROCESS_ID, upsertProject, WORKS_PROCESS_ID } from '../procurement/projects.ts';
import { APPLICATION_FORM_ID, FILL_APPLICATION_ELEMENT, WORKS_APPLICATION_FORM_ID } from '../procurement/routes.ts';
import { minimumBidDeadline } from '../tender/publish.ts';

export const DEMO_AGENCY_NAME = '四川某某招标代理有限公司';

export interface ChainDemoDeps {
  db: Database;
  engine: Engine;
  clock: Clock;
  config: Config;
  logger: Logger;
}

export interface ChainDemoProject {
  instanceId: string;
  projectNumber: string | null;
  projectName: string;
  waitingAt: string;
}

export interface ChainDemoResult {
  awaitingApproval: ChainDemoProject;
  openTender: ChainDemoProject & { tenderId: number; bidDeadlineAt: string };
  /** A works tender at 招标备案 (null when works-tender.bpmn is not deployed). */
  worksAwaitingRegistration: ChainDemoProject | null;
}

/** 20 教师办公便携式计算机 × 6,200.00 元 = 124,000.00 元 (询价). */
export function demoApplicationAwaitingApproval(today: string): Variables {
  return {
    projectName: '涪城区教育局教师办公便携式计算机采购项目',
    categoryCode: 'A02010105',
    procurementType: 'goods',
    method: '询价',
    budgetYuan: 130_000,
    maxPriceYuan: 128_000,
    fundingSource: '一般公共预算资金',
    organisationForm: '分散采购',
    importedProducts: false,
    smeReserved: false,
    deliveryDate: shiftDate(today, 90),
    deliveryPlace: '涪城区教育局（绵阳市涪城区）',
    description: '教师办公用便携式计算机 20 台（14 英寸，Intel Core i5 / 16GB / 512GB SSD），含三年原厂质保。',
    items: [{ itemCode: 'A02010105', itemName: '便携式计算机', quantity: 20, unit: '台', unitPriceYuan: 6200 }],
  };
}

/** 40 台式计算机 × 5,200.00 元 = 208,000.00 元 (公开招标), as the chain tests file it. */
export function demoApplicationOpenTender(today: string): Variables {
  return {
    projectName: '涪城区教育局计算机教室设备采购项目',
    categoryCode: 'A02010104',
    procurementType: 'goods',
    method: '公开招标',
    budgetYuan: 220_000,
    maxPriceYuan: 215_000,
    fundingSource: '一般公共预算资金',
    organisationForm: '分散采购',
    importedProducts: false,
    smeReserved: false,
    deliveryDate: shiftDate(today, 150),
    deliveryPlace: '涪城区实验小学计算机教室',
    description: '计算机教室台式计算机 40 台，含安装调试、三年原厂质保和教师培训。',
    items: [{ itemCode: 'A02010104', itemName: '台式计算机', quantity: 40, unit: '台', unitPriceYuan: 5200 }],
  };
}

/** A works tender (工程建设项目招标, form works-application): 1,000 m² of 室内装修 × 460.00 元 within a 500,000 元 estimate. */
export function demoWorksApplication(today: string): Variables {
  return {
    projectName: '涪城区实验小学教学楼室内装修改造工程',
    projectApprovalNo: '涪发改投资〔2026〕12号',
    categoryCode: 'B07',
    procurementType: 'works',
    method: '公开招标',
    organisationForm: '委托招标',
    budgetYuan: 500_000,
    maxPriceYuan: 480_000,
    fundingSource: '一般公共预算资金',
    stateFunded: true,
    plannedPeriodDays: 60,
    deliveryDate: shiftDate(today, 180),
    deliveryPlace: '绵阳市涪城区实验小学',
    qualificationRequirement: '建筑装修装饰工程专业承包二级及以上资质，项目经理具有二级注册建造师（建筑工程专业）执业资格',
    description: '教学楼一至四层教室及走廊室内装修：墙面乳胶漆、地砖、轻钢龙骨吊顶，含拆除与垃圾清运。',
    items: [{ itemCode: 'B07', itemName: '室内装修工程', quantity: 1000, unit: '平方米', unitPriceYuan: 460 }],
  };
}

const OPEN_TIMEOUT_MS = 15_000;

/** Seeds the two demo projects; null when skipped (a project exists already, or the chain model is not deployed). */
export async function seedChainDemo(deps: ChainDemoDeps): Promise<ChainDemoResult | null> {
  const { db, engine, clock, config, logger } = deps;
  const sequelize = db.sequelize;
  const [{ n }] = await sequelize.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM projects', { type: QueryTypes.SELECT });
  if (Number(n) > 0) return null; // the marker: projects exist, this is not a new database
  if (!(await chainModelDeployed(engine))) {
    logger.warn('demo projects not seeded: the deployed procurement model has no tender chain (prepare_tender)');
    return null;
  }
  const { Task } = defineTaskModels(sequelize);
  const users = await loadUsers(db, ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'agency']);
  const today = () => businessDate(clock.now());

  /** The inbox's open task of `elementId` in the instance (bounded wait: Zeebe projects tasks a moment later). */
  async function openTask(instanceId: string, elementId: string): Promise<Task> {
    const until = Date.now() + OPEN_TIMEOUT_MS;
    for (;;) {
      const t = await Task.findOne({ where: { instanceId, elementId, state: 'created' } });
      if (t) return t;
      if (Date.now() > until) throw new Error(`demo project ${instanceId}: no open ${elementId} (${await whereIs(instanceId)})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function whereIs(instanceId: string): Promise<string> {
    const view = await engine.getInstance(instanceId);
    if (!view) return 'instance not found';
    const incidents = view.incidents.filter((i) => i.state === 'open').map((i) => `${i.elementId}: ${i.message}`);
    return `state ${view.state}; active [${view.activeElements.map((a) => a.elementId).join(', ')}]${incidents.length ? `; incidents ${incidents.join(' | ')}` : ''}`;
  }

  /** As POST /api/projects: validated like the form and like check-application, started, 填报采购申请 completed. */
  async function fileApplication(values: Variables, regime: 'procurement' | 'works' = 'procurement'): Promise<string> {
    const purchaser = users.get('purchaser')!;
    const formId = regime === 'works' ? WORKS_APPLICATION_FORM_ID : APPLICATION_FORM_ID;
    const form = await readForm(config.formsDir, formId, logger);
    if (!form) throw new Error(`demo projects: form ${formId} unavailable`);
    const started = await startVariables({}, { username: purchaser.username, now: clock.now(), organisation: purchaser.organisation, sequelize });
    const base = regime === 'works' ? { ...started, regime: 'works' } : started;
    const agency = (base.agencyOptions as { label: string; value: number }[]).find((o) => o.label === DEMO_AGENCY_NAME);
    if (!agency) throw new Error(`demo projects: the agency ${DEMO_AGENCY_NAME} is not in the register`);
    const checked = validateSubmission(form, { ...values, agencyId: agency.value }, { variables: base, today: today() });
    const application = await checkApplication(sequelize, { ...base, ...checked.variables });
    const problems = [...checked.errors, ...application.problems];
    if (problems.length) throw new Error(`demo application invalid: ${JSON.stringify(problems)}`);
    const ref = await engine.startInstance({ bpmnProcessId: PROCESS_OF_REGIME[regime], variables: base, startedBy: purchaser.username });
    await upsertProject(sequelize, { instanceId: ref.instanceId, initiator: purchaser.username, variables: base, state: null, active: null, at: clock.now(), regime });
    const task = await openTask(ref.instanceId, FILL_APPLICATION_ELEMENT);
    await completeWithRecord(task, purchaser.username, checked.variables, summarize(form, checked.variables));
    return ref.instanceId;
  }

  /** As POST /api/tasks/:id/complete by `username`: a task the user sees, segregation of duties, the form's rules. */
  async function complete(username: string, instanceId: string, elementId: string, values: Variables): Promise<void> {
    const user = users.get(username)!;
    const task = await openTask(instanceId, elementId);
    if (!canSeeTask(task, user)) throw new Error(`demo projects: ${username} is not a candidate of ${elementId}`);
    await assertMayActOn(task, user, engine);
    const form = await readForm(config.formsDir, task.formId, logger);
    if (!form) throw new Error(`demo projects: form ${task.formId} of ${elementId} unavailable`);
    const instance = await engine.getInstance(instanceId);
    const checked = validateSubmission(form, values, { variables: instance?.variables ?? {}, today: today() });
    if (checked.errors.length) throw new Error(`demo projects: ${elementId} invalid: ${JSON.stringify(checked.errors)}`);
    if (!task.assignee) await engine.assignUserTask({ taskId: task.id, assignee: username, allowOverride: false, actor: username });
    const serverOwned = { completedBy: username, completedByName: user.displayName };
    await completeWithRecord(task, username, { ...checked.variables, ...serverOwned }, summarize(form, checked.variables), checked.variables);
  }

  async function completeWithRecord(task: Task, username: string, variables: Variables, summary: ReturnType<typeof summarize>, values = variables) {
    const submission = { summary, values };
    pendingCompletions.set(task.id, submission);
    try {
      await engine.completeUserTask({ taskId: task.id, variables, actor: username });
      // The completion listener wrote the record in the engine's transaction, or (Zeebe) it is written now.
      if (pendingCompletions.get(task.id) === submission) {
        await insertCompletion(sequelize, task.instanceId, task.id, task.elementId, username, submission, clock.now());
      }
    } finally {
      if (pendingCompletions.get(task.id) === submission) pendingCompletions.delete(task.id);
    }
  }

  async function projectNumberOf(instanceId: string): Promise<string | null> {
    const [row] = await sequelize.query<{ project_number: string | null }>('SELECT project_number FROM projects WHERE instance_id = :instanceId', {
      replacements: { instanceId },
      type: QueryTypes.SELECT,
    });
    return row?.project_number ?? null;
  }

  // 1. Waiting at 主管部门审批.
  const first = demoApplicationAwaitingApproval(today());
  const firstId = await fileApplication(first);
  await openTask(firstId, 'dept_approval');

  // 2. Approved by the three distinct approvers, tender prepared by the agency and published.
  const second = demoApplicationOpenTender(today());
  const secondId = await fileApplication(second);
  await complete('dept_approver', secondId, 'dept_approval', { decision: 'approve', comment: '需求真实，配置标准符合规定。' });
  await complete('finance_section', secondId, 'finance_approval', { decision: 'approve', comment: '预算指标已落实。' });
  await complete('supervisor', secondId, 'supervisor_approval', { decision: 'approve', comment: '采购方式与组织形式合规，同意。' });
  await complete('agency', secondId, 'prepare_tender', {
    evaluationMethod: 'comprehensive',
    priceWeightPercent: 30,
    technicalWeightPercent: 50,
    businessWeightPercent: 20,
    smeDeductionPercent: 10,
    qualificationRequirements:
      '具有独立承担民事责任的能力；具有良好的商业信誉和健全的财务会计制度；参加政府采购活动前三年内在经营活动中没有重大违法记录；未被列入失信被执行人、重大税收违法失信主体、政府采购严重违法失信行为记录名单。',
    scoringCriteria: '价格分 30 分（低价优先法）；技术分 50 分（配置参数、售后服务、培训方案）；商务分 20 分（业绩、资质、质保）。',
    bidDeadline: await demoBidDeadline(db, clock),
    openingPlace: '涪城区公共资源交易中心开标一室',
    depositYuan: 4000,
  });
  const published = await waitForTender(engine, secondId, whereIs);

  // 3. A works tender waiting for the industry supervisor's 招标备案 (when the works model is deployed).
  let works: ChainDemoResult['worksAwaitingRegistration'] = null;
  if ((await engine.listDeployments?.({ bpmnProcessId: WORKS_PROCESS_ID }))?.length !== 0) {
    const third = demoWorksApplication(today());
    const thirdId = await fileApplication(third, 'works');
    await openTask(thirdId, 'tender_registration');
    works = { instanceId: thirdId, projectNumber: await projectNumberOf(thirdId), projectName: third.projectName as string, waitingAt: 'tender_registration' };
  }

  return {
    awaitingApproval: { instanceId: firstId, projectNumber: await projectNumberOf(firstId), projectName: first.projectName as string, waitingAt: 'dept_approval' },
    openTender: {
      instanceId: secondId, projectNumber: await projectNumberOf(secondId), projectName: second.projectName as string, waitingAt: 'gw_bid_window',
      tenderId: published.tenderId, bidDeadlineAt: published.bidDeadlineAt,
    },
    worksAwaitingRegistration: works,
  };
}

/**
 * Shanghai local `YYYY-MM-DDTHH:mm` of the demo's bid deadline: 09:30 on the first working day at least a week after
 * the legal minimum of 公开招标 (T1/T3 from today), so the bid window stays open for a while.
 */
export async function demoBidDeadline(db: Database, clock: Clock): Promise<string> {
  const min = await minimumBidDeadline(db, clock, '公开招标', clock.now());
  const calendar = await createCalendarService(db, clock).calendar();
  let date = shiftDate(min.deadlines[0]!.dueDate, 7);
  for (let i = 0; i < 30 && !calendar.isWorkingDay(date); i++) date = shiftDate(date, 1);
  return `${date}T09:30`;
}

async function waitForTender(engine: Engine, instanceId: string, whereIs: (id: string) => Promise<string>): Promise<{ tenderId: number; bidDeadlineAt: string }> {
  const until = Date.now() + OPEN_TIMEOUT_MS;
  for (;;) {
    const view = await engine.getInstance(instanceId);
    const open = view?.incidents.some((i) => i.state === 'open');
    const v = view?.variables ?? {};
    if (!open && typeof v.tenderId === 'number' && typeof v.bidDeadlineAt === 'string' && view?.activeElements.some((a) => a.elementId === 'gw_bid_window' || a.elementId === 'bid_deadline_reached')) {
      return { tenderId: v.tenderId, bidDeadlineAt: v.bidDeadlineAt };
    }
    if (open || Date.now() > until) throw new Error(`demo tender not published: ${await whereIs(instanceId)}; tenderProblems ${JSON.stringify(v.tenderProblems ?? null)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function chainModelDeployed(engine: Engine): Promise<boolean> {
  if (!engine.listDeployments || !engine.getDeployment) return true; // cannot tell: try, and report a failure
  const latest = (await engine.listDeployments({ bpmnProcessId: PROCUREMENT_PROCESS_ID })).sort((a, b) => b.version - a.version)[0];
  if (!latest) return false;
  const d = await engine.getDeployment(latest.deploymentId);
  return !!d && d.xml.includes('id="prepare_tender"');
}

async function loadUsers(db: Database, usernames: string[]): Promise<Map<string, AuthUser>> {
  const { Organisation, User } = defineAuthModels(db.sequelize);
  const out = new Map<string, AuthUser>();
  for (const username of usernames) {
    const u = await User.findOne({ where: { username } });
    if (!u) throw new Error(`demo projects: no demo account ${username}`);
    const org = u.organisationId == null ? null : await Organisation.findByPk(u.organisationId);
    out.set(username, {
      id: u.id, username: u.username, displayName: u.displayName, roles: u.roleList(),
      organisation: org ? { id: org.id, name: org.name, kind: org.kind } : null,
    });
  }
  return out;
}

/**
 * server/system.ts's call: seeds, logs what and how long, and never stops the start-up (a failure is logged as a
 * warning: the system works without demo projects).
 */
export async function seedChainDemoAtStart(deps: ChainDemoDeps): Promise<ChainDemoResult | null> {
  const started = Date.now();
  try {
    const result = await seedChainDemo(deps);
    if (result) {
      deps.logger.info(
        { ms: Date.now() - started, awaitingApproval: result.awaitingApproval.projectNumber, openTender: result.openTender.projectNumber, tenderId: result.openTender.tenderId, works: result.worksAwaitingRegistration?.projectNumber ?? null },
        'demo projects seeded (一个待主管部门审批，一个招标中，一个工程招标待备案)',
      );
    }
    return result;
  } catch (err) {
    deps.logger.warn({ err: (err as Error).message, ms: Date.now() - started }, 'demo projects not seeded');
    return null;
  }
}
