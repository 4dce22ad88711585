/**
 * Workers of processes/complaint.bpmn and processes/staff-report.bpmn. Each keeps the complaint's row current or
 * tells the procurement instance (messages correlated by its tenderKey); repeated deliveries are answered from
 * job_executions, and the effects here are keyed so a second run changes nothing.
 */
import type { Job, Variables } from '../engine/port.ts';
import { businessDate } from '../calendar/deadlines.ts';
import type { WorkerDeps, WorkerTable } from '../workers/definition.ts';
import { challengeFacts, complaintModels } from './service.ts';

const DAY = 86_400_000;
const complaintIdOf = (job: Job) => {
  const id = Number(job.variables.complaintId);
  if (!Number.isSafeInteger(id) || id < 1) throw new Error('变量 complaintId 缺失 (variable complaintId missing)');
  return id;
};

async function loadComplaint(deps: WorkerDeps, job: Job) {
  const c = await complaintModels(deps.db.sequelize).Complaint.findByPk(complaintIdOf(job));
  if (!c) throw new Error(`complaint ${String(job.variables.complaintId)} not found`);
  return c;
}

/** Publishes to the procurement instance; a message already buffered under the same id is the same message. */
async function publish(deps: WorkerDeps, name: string, tenderKey: string, variables: Variables, ttlMs: number, messageId: string) {
  if (!deps.engine) throw new Error('engine missing');
  try {
    await deps.engine.publishMessage({ name, correlationKey: tenderKey, variables, timeToLiveMs: ttlMs, messageId });
  } catch (err) {
    if ((err as { code?: string }).code !== 'MESSAGE_ALREADY_PUBLISHED') throw err;
  }
}

const DECISION_RESULTS: Record<string, string> = {
  dismissed: '投诉事项缺乏事实依据，驳回投诉',
  cancel: '投诉事项成立，责令重新开展采购活动',
  reevaluate: '投诉事项成立，认定中标结果无效',
  continue: '投诉事项部分成立',
};

async function letterData(deps: WorkerDeps, job: Job) {
  const c = await loadComplaint(deps, job);
  const facts = await challengeFacts(deps.db, c.get('challengeId') as number);
  const project = facts?.project ?? { projectNumber: c.get('projectNumber'), projectName: c.get('projectName'), purchaser: { name: c.get('purchaserName') } };
  const respondents = [{ name: String(c.get('purchaserName') ?? '采购人') }];
  if (c.get('agencyName')) respondents.push({ name: String(c.get('agencyName')) });
  const outcome = facts?.outcome === 'rejected' ? '质疑事项不成立' : facts?.outcome ? '质疑事项成立' : '未在法定期限内答复';
  const history = `投诉人于${businessDate(facts?.receivedAt ?? (c.get('filedAt') as Date))}提出质疑（第 ${String(c.get('challengeId'))} 号），` +
    (facts?.repliedAt ? `被投诉人于${businessDate(facts.repliedAt)}答复“${outcome}”${facts.replyText ? `：${facts.replyText}` : ''}。` : '被投诉人未在法定期限内答复。') + '投诉人对答复不满意。';
  return {
    c,
    data: {
      project,
      complainant: { name: String(c.get('complainantName')) },
      respondents,
      challengeHistory: history.slice(0, 2000),
      items: JSON.parse(String(c.get('itemsJson'))) as unknown[],
      complaintDate: businessDate(c.get('filedAt') as Date),
    } as Record<string, unknown>,
  };
}

export const COMPLAINT_WORKERS: WorkerTable = {
  /** 投诉书: template complaint-decision without the decision part (document version 1). */
  'prepare-complaint-letter': {
    create: (deps) => async (job) => ({ complaintLetterData: (await letterData(deps, job)).data }),
    options: { retries: 3 },
  },
  /** header status: accepted | rejected | correction | corrected — the row the pages show. */
  'record-complaint': {
    create: (deps) => async (job) => {
      const c = await loadComplaint(deps, job);
      const status = job.headers.status;
      if (!['accepted', 'rejected', 'correction', 'corrected'].includes(status ?? '')) throw new Error(`任务头 status 无效 (header status: ${status ?? ''})`);
      const now = deps.clock.now();
      const patch: Record<string, unknown> = { status, updatedAt: now };
      if (status === 'accepted' && !c.get('acceptedAt')) patch.acceptedAt = now;
      if (status === 'corrected') {
        patch.status = 'filed';
        if (typeof job.variables.correctedFacts === 'string' && job.variables.correctedFacts.trim()) {
          const items = JSON.parse(String(c.get('itemsJson'))) as Array<Record<string, unknown>>;
          if (items[0]) items[0].facts = `${String(items[0].facts)}\n（补正）${job.variables.correctedFacts.trim()}`.slice(0, 5000);
          patch.itemsJson = JSON.stringify(items);
        }
      }
      await c.update(patch);
      const accepted = (patch.acceptedAt as Date | undefined) ?? (c.get('acceptedAt') as Date | null);
      return accepted ? { acceptedDate: businessDate(accepted) } : {};
    },
    options: { retries: 3 },
  },
  /** 暂停采购活动: records the suspension (the inbox gate reads it) and tells the procurement instance. */
  'suspend-procurement': {
    create: (deps) => async (job) => {
      const c = await loadComplaint(deps, job);
      const until = new Date(String(job.variables.suspensionEndAt ?? ''));
      if (Number.isNaN(until.getTime())) throw new Error('变量 suspensionEndAt 缺失 (variable suspensionEndAt missing)');
      const { Suspension } = complaintModels(deps.db.sequelize);
      const now = deps.clock.now();
      if (!(await Suspension.findOne({ where: { jobKey: job.key } }))) {
        await Suspension.create({ complaintId: c.get('id'), procurementInstanceId: c.get('procurementInstanceId'), startedAt: now, untilAt: until, endedAt: null, jobKey: job.key });
      }
      await publish(deps, 'procurement-suspended', String(c.get('tenderId')), { suspendedUntil: until.toISOString(), complaintId: c.get('id') as number },
        Math.max(0, until.getTime() - now.getTime()), `procurement-suspended:${job.key}`);
      return { suspended: true };
    },
    options: { retries: 3 },
  },
  /** 恢复采购活动 (at the decision, or when the suspension ends): ends the suspension, if one is open. */
  'resume-procurement': {
    create: (deps) => async (job) => {
      const c = await loadComplaint(deps, job);
      const { Suspension } = complaintModels(deps.db.sequelize);
      const open = await Suspension.findAll({ where: { complaintId: c.get('id'), endedAt: null } });
      if (!open.length) return { suspended: false };
      const now = deps.clock.now();
      for (const s of open) await s.update({ endedAt: now });
      await publish(deps, 'procurement-resumed', String(c.get('tenderId')), { complaintId: c.get('id') as number }, 30 * DAY, `procurement-resumed:${job.key}`);
      return { suspended: false };
    },
    options: { retries: 3 },
  },
  /** 处理决定: stores it and prepares the 投诉处理决定书 (template complaint-decision with its decision part). */
  'record-complaint-decision': {
    create: (deps) => async (job) => {
      const { c, data } = await letterData(deps, job);
      const v = job.variables;
      const upheld = v.decisionResult === 'upheld';
      const effect = upheld && ['continue', 'reevaluate', 'cancel'].includes(String(v.complaintEffect)) ? String(v.complaintEffect) : 'continue';
      const now = deps.clock.now();
      const decidedAt = (c.get('decidedAt') as Date | null) ?? now;
      const decision = {
        decisionNo: String(v.decisionNo ?? ''),
        acceptedDate: businessDate((c.get('acceptedAt') as Date | null) ?? decidedAt),
        findings: String(v.findings ?? ''),
        result: DECISION_RESULTS[upheld ? effect : 'dismissed']!,
        reasoning: String(v.reasoning ?? ''),
        decisionDate: businessDate(decidedAt),
        medium: String(v.medium ?? ''),
      };
      await c.update({ status: 'decided', effect, decisionJson: JSON.stringify({ ...decision, upheld }), decidedAt, updatedAt: now });
      return { complaintEffect: effect, complaintDecisionData: { ...data, decision } };
    },
    options: { retries: 3 },
  },
  /** complaint-decided to the procurement instance (only effects that change its course: reevaluate, cancel). */
  'notify-procurement': {
    create: (deps) => async (job) => {
      const c = await loadComplaint(deps, job);
      const decision = JSON.parse(String(c.get('decisionJson') ?? '{}')) as { decisionNo?: string };
      await publish(deps, 'complaint-decided', String(c.get('tenderId')), {
        complaintEffect: c.get('effect') as string, complaintId: c.get('id') as number, complaintDecisionNo: decision.decisionNo ?? '', complaintTenderId: c.get('tenderId') as number,
      }, 30 * DAY, `complaint-decided:${String(c.get('id'))}`);
      return {};
    },
    options: { retries: 3 },
  },
  /** staff-report: the supervisor's reply becomes visible under the tracking code. */
  'record-report-reply': {
    create: (deps) => async (job) => {
      const { StaffReport } = complaintModels(deps.db.sequelize);
      const r = await StaffReport.findOne({ where: { trackingCode: String(job.variables.trackingCode ?? '') } });
      if (!r) throw new Error('举报记录不存在 (report not found)');
      if (r.get('status') !== 'replied') {
        await r.update({ status: 'replied', reply: String(job.variables.reportReply ?? '').slice(0, 5000), repliedAt: deps.clock.now() });
      }
      return {};
    },
    options: { retries: 3 },
  },
};
