/** The modeller's record of each deployed version (migration 0006); the XML and version live in the engine. */
import { DataTypes, type Model, type ModelStatic, type Sequelize } from 'sequelize';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type DeploymentRecordRow = Model<any, any> & {
  deploymentId: string;
  bpmnProcessId: string;
  version: number;
  source: DeploymentSource;
  previousDeploymentId: string | null;
  changeRequestId: string | null;
  diff: string | null;
  lintWarnings: string | null;
  createdAt: Date;
};

export type ChangeRequestStatus = 'pending' | 'deployed' | 'rejected';

export type ChangeRequestRow = Model<any, any> & {
  id: string;
  bpmnProcessId: string;
  baseDeploymentId: string | null;
  resourceName: string;
  xml: string;
  contentHash: string;
  comment: string;
  diff: string | null;
  status: ChangeRequestStatus;
  requestedBy: string;
  requestedAt: Date;
  approvalInstanceId: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionComment: string | null;
  deploymentId: string | null;
};

/** shipped: a file in processes/ deployed at start; ui: the deployments API (the modeller); engine: any other caller. */
export type DeploymentSource = 'shipped' | 'ui' | 'engine';

export function defineModelerModels(sequelize: Sequelize) {
  const long = sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT;
  const existing = sequelize.models.DeploymentRecord as ModelStatic<DeploymentRecordRow> | undefined;
  const DeploymentRecord =
    existing ??
    (sequelize.define(
      'DeploymentRecord',
      {
        deploymentId: { type: DataTypes.STRING(40), primaryKey: true },
        bpmnProcessId: DataTypes.STRING(255),
        version: DataTypes.INTEGER,
        source: DataTypes.STRING(16),
        previousDeploymentId: DataTypes.STRING(40),
        changeRequestId: DataTypes.STRING(40),
        diff: long,
        lintWarnings: long,
        createdAt: DataTypes.DATE(3),
      },
      { tableName: 'deployment_records', timestamps: false, underscored: true },
    ) as ModelStatic<DeploymentRecordRow>);
  const ChangeRequest =
    (sequelize.models.ProcessChangeRequest as ModelStatic<ChangeRequestRow> | undefined) ??
    (sequelize.define(
      'ProcessChangeRequest',
      {
        id: { type: DataTypes.STRING(40), primaryKey: true },
        bpmnProcessId: DataTypes.STRING(255),
        baseDeploymentId: DataTypes.STRING(40),
        resourceName: DataTypes.STRING(255),
        xml: long,
        contentHash: DataTypes.STRING(64),
        comment: DataTypes.STRING(1000),
        diff: long,
        status: DataTypes.STRING(16),
        requestedBy: DataTypes.STRING(64),
        requestedAt: DataTypes.DATE(3),
        approvalInstanceId: DataTypes.STRING(40),
        decidedBy: DataTypes.STRING(64),
        decidedAt: DataTypes.DATE(3),
        decisionComment: DataTypes.STRING(1000),
        deploymentId: DataTypes.STRING(40),
      },
      { tableName: 'process_change_requests', timestamps: false, underscored: true },
    ) as ModelStatic<ChangeRequestRow>);
  return { DeploymentRecord, ChangeRequest };
}
