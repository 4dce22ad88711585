/**
 * The `tasks` projection of user tasks, written by every engine adapter in the transaction of the engine
 * change, read by the inbox. `task_candidates` indexes who may see each open task.
 */
import { DataTypes, Model, type Sequelize, type InferAttributes, type InferCreationAttributes, type CreationOptional } from 'sequelize';

export type TaskState = 'created' | 'completed' | 'canceled';

export class Task extends Model<InferAttributes<Task>, InferCreationAttributes<Task>> {
  declare id: string;
  declare instanceId: string;
  declare bpmnProcessId: string;
  declare processVersion: number;
  declare businessKey: string | null;
  declare elementId: string;
  declare executionId: string;
  declare name: string | null;
  declare formId: string | null;
  /** Comma-separated, as in zeebe:assignmentDefinition. */
  declare candidateGroups: string | null;
  declare candidateUsers: string | null;
  declare assignee: string | null;
  declare state: TaskState;
  declare priority: CreationOptional<number>;
  /** JSON of zeebe:taskHeaders. */
  declare headers: string | null;
  declare dueAt: Date | null;
  declare followUpAt: Date | null;
  declare createdAt: Date;
  declare claimedAt: Date | null;
  declare completedAt: Date | null;
  declare completedBy: string | null;

  groups(): string[] {
    return splitList(this.candidateGroups);
  }
  users(): string[] {
    return splitList(this.candidateUsers);
  }
}

export class TaskCandidate extends Model<InferAttributes<TaskCandidate>, InferCreationAttributes<TaskCandidate>> {
  declare taskId: string;
  declare kind: 'group' | 'user';
  declare value: string;
  declare dueAt: Date | null;
  declare createdAt: Date;
}

export function splitList(value: string | null | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** May this user see (and act on) the task? Candidates and the assignee may. */
export function isTaskVisibleTo(task: Task, user: { username: string; roles: string[] }): boolean {
  if (task.assignee === user.username) return true;
  if (task.users().includes(user.username)) return true;
  return task.groups().some((g) => user.roles.includes(g));
}

export function defineTaskModels(sequelize: Sequelize): { Task: typeof Task; TaskCandidate: typeof TaskCandidate } {
  if (!sequelize.models.Task) {
    Task.init(
      {
        id: { type: DataTypes.STRING(40), primaryKey: true },
        instanceId: { type: DataTypes.STRING(40), field: 'instance_id' },
        bpmnProcessId: { type: DataTypes.STRING(255), field: 'bpmn_process_id' },
        processVersion: { type: DataTypes.INTEGER, field: 'process_version' },
        businessKey: { type: DataTypes.STRING(255), field: 'business_key' },
        elementId: { type: DataTypes.STRING(255), field: 'element_id' },
        executionId: { type: DataTypes.STRING(255), field: 'execution_id' },
        name: DataTypes.STRING(255),
        formId: { type: DataTypes.STRING(255), field: 'form_id' },
        candidateGroups: { type: DataTypes.STRING(1000), field: 'candidate_groups' },
        candidateUsers: { type: DataTypes.STRING(1000), field: 'candidate_users' },
        assignee: DataTypes.STRING(64),
        state: DataTypes.STRING(16),
        priority: { type: DataTypes.INTEGER, defaultValue: 50 },
        headers: sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT,
        dueAt: { type: DataTypes.DATE(3), field: 'due_at' },
        followUpAt: { type: DataTypes.DATE(3), field: 'follow_up_at' },
        createdAt: { type: DataTypes.DATE(3), field: 'created_at' },
        claimedAt: { type: DataTypes.DATE(3), field: 'claimed_at' },
        completedAt: { type: DataTypes.DATE(3), field: 'completed_at' },
        completedBy: { type: DataTypes.STRING(64), field: 'completed_by' },
      },
      { sequelize, tableName: 'tasks', timestamps: false, modelName: 'Task' },
    );
    TaskCandidate.init(
      {
        taskId: { type: DataTypes.STRING(40), primaryKey: true, field: 'task_id' },
        kind: { type: DataTypes.STRING(8), primaryKey: true },
        value: { type: DataTypes.STRING(64), primaryKey: true },
        dueAt: { type: DataTypes.DATE(3), field: 'due_at' },
        createdAt: { type: DataTypes.DATE(3), field: 'created_at' },
      },
      { sequelize, tableName: 'task_candidates', timestamps: false, modelName: 'TaskCandidate' },
    );
  }
  return { Task, TaskCandidate };
}
