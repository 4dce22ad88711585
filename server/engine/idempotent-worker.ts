/**
 * At-least-once delivery made safe for every worker, whatever the engine. Zeebe may hand the same job out
 * again (the completion was lost, the job timed out, the app crashed after the worker ran); the embedded
 * engine re-runs a job whose run did not commit. The runner records the outcome of each finished job in
 * `job_executions` under the job's stable key (`Job.key`: the same on every delivery of the same job, see
 * port.ts) and answers a repeated delivery from that record without calling the worker again.
 *
 * What this does not cover, by design: two deliveries running at the very same time (a worker slower than the
 * job timeout), or a crash between the worker's own commit and this record. Workers with effects outside the
 * engine therefore also key those effects by `job.key` in their own transaction (project numbers, documents,
 * notifications do), and this record makes the common repeat cheap and exact.
 */
import { DataTypes, Model, type Sequelize } from 'sequelize';
import type { Database } from '../db.ts';
import type { Clock } from '../clock.ts';
import { BpmnError, type Variables, type Worker } from './port.ts';

export class JobExecution extends Model {
  declare jobKey: string;
  declare jobType: string;
  declare instanceId: string;
  declare elementId: string;
  declare outcome: 'completed' | 'bpmn-error';
  declare output: string | null;
  declare errorCode: string | null;
  declare errorMessage: string | null;
  declare createdAt: Date;
}

export function defineJobExecutions(sequelize: Sequelize): typeof JobExecution {
  if (!sequelize.models.JobExecution) {
    JobExecution.init(
      {
        jobKey: { type: DataTypes.STRING(255), primaryKey: true, field: 'job_key' },
        jobType: { type: DataTypes.STRING(255), field: 'job_type' },
        instanceId: { type: DataTypes.STRING(40), field: 'instance_id' },
        elementId: { type: DataTypes.STRING(255), field: 'element_id' },
        outcome: DataTypes.STRING(16),
        output: sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT,
        errorCode: { type: DataTypes.STRING(255), field: 'error_code' },
        errorMessage: { type: DataTypes.STRING(2000), field: 'error_message' },
        createdAt: { type: DataTypes.DATE(3), field: 'created_at' },
      },
      { sequelize, tableName: 'job_executions', timestamps: false, modelName: 'JobExecution' },
    );
  }
  return JobExecution;
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { name?: string };
  return e?.name === 'SequelizeUniqueConstraintError';
}

function replay(row: JobExecution): Variables {
  const output = row.output ? (JSON.parse(row.output) as Variables) : {};
  if (row.outcome === 'bpmn-error') throw new BpmnError(row.errorCode ?? 'UNKNOWN', row.errorMessage ?? undefined, output);
  return output;
}

/** Wraps a worker so that each job key runs it at most once to a recorded outcome. Failures are not recorded: they are retried. */
export function idempotentWorker(db: Database, clock: Clock, type: string, fn: Worker): Worker {
  const Exec = defineJobExecutions(db.sequelize);
  const record = async (job: Parameters<Worker>[0], values: Partial<JobExecution>): Promise<Variables> => {
    try {
      await Exec.create({ jobKey: job.key, jobType: type, instanceId: job.instanceId, elementId: job.elementId, createdAt: clock.now(), output: null, errorCode: null, errorMessage: null, ...values } as Record<string, unknown>);
    } catch (err) {
      // A concurrent delivery of the same job finished first: its outcome is the job's outcome.
      if (!isUniqueViolation(err)) throw err;
      const winner = await Exec.findByPk(job.key);
      if (winner) return replay(winner);
      throw err;
    }
    return values.output ? (JSON.parse(values.output) as Variables) : {};
  };
  return async (job, ctx) => {
    const done = await Exec.findByPk(job.key);
    if (done) {
      ctx.log('job delivered again: answered from job_executions, worker not called', { jobKey: job.key, type });
      return replay(done);
    }
    let out: Variables | void;
    try {
      out = await fn(job, ctx);
    } catch (err) {
      if (err instanceof BpmnError) {
        await record(job, { outcome: 'bpmn-error', output: JSON.stringify(err.variables ?? {}), errorCode: err.code.slice(0, 255), errorMessage: err.message.slice(0, 2000) });
        throw err;
      }
      throw err;
    }
    const vars = out && typeof out === 'object' ? out : {};
    return record(job, { outcome: 'completed', output: JSON.stringify(vars) });
  };
}
