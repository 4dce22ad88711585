/**
 * Worker for `zeebe:taskDefinition type="compute-deadline"`: turns a legal time limit into a dated deadline, so
 * models set their timers and due dates from the law instead of literals.
 *   headers: rule (e.g. T3), resultVariable (e.g. bidDeadline), anchorVariable (optional: an instance variable
 *            holding an ISO instant with its zone, or a YYYY-MM-DD Shanghai date; default: now)
 *   output:  { [resultVariable]: Deadline, [resultVariable + 'At']: ISO instant of its end } — the latter for a
 *            timer's `timeDate` or a user task's due date.
 * Pure computation over the calendar data: a second delivery yields the same result (idempotent).
 */
import type { Job, Worker } from '../engine/port.ts';
import { BpmnError } from '../engine/port.ts';
import { createCalendarService } from '../calendar/service.ts';
import { parseAnchor } from '../calendar/deadlines.ts';
import type { WorkerDeps } from './index.ts';

export const COMPUTE_DEADLINE_TASK_TYPE = 'compute-deadline';

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function computeDeadlineWorker(deps: WorkerDeps): Worker {
  const calendar = createCalendarService(deps.db, deps.clock);
  return async (job: Job) => {
    const rule = job.headers.rule;
    const resultVariable = job.headers.resultVariable;
    if (!rule) throw new Error('任务头缺少 rule（法定时限编号，如 T3） (header "rule" missing)');
    if (!resultVariable || !VARIABLE.test(resultVariable)) throw new Error(`任务头 resultVariable 无效 (header "resultVariable" missing or invalid: ${resultVariable ?? ''})`);
    let anchor = deps.clock.now();
    const anchorVariable = job.headers.anchorVariable;
    if (anchorVariable) {
      const d = parseAnchor(job.variables[anchorVariable]);
      if (!d) {
        // The model is fine; the data is not: let the model route it (or raise an incident if it does not catch it).
        throw new BpmnError('DEADLINE_ANCHOR_INVALID', `变量 ${anchorVariable} 不是带时区的时间或日期 (variable ${anchorVariable} is not an ISO instant with its zone, or a YYYY-MM-DD date)`);
      }
      anchor = d;
    }
    const deadline = await calendar.deadline(rule, anchor);
    return { [resultVariable]: deadline, [`${resultVariable}At`]: deadline.dueAt };
  };
}
