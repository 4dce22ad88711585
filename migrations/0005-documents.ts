/**
 * Generated documents (文书): one row per document (its template, project link and owner) and one row per version.
 * Versions are never updated or deleted: regenerating adds a version. `job_key` makes generation inside a process
 * idempotent (a redelivered job finds its version); `source_key` (instance:element) makes a repeated step of the
 * same instance a new version of the same document rather than a new document.
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/migrate.ts';

const time = { type: DataTypes.DATE(3), allowNull: false };
const str = (len: number, allowNull = true) => ({ type: DataTypes.STRING(len), allowNull });

export async function up({ qi, dialect }: MigrationContext): Promise<void> {
  const text = { type: dialect === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT, allowNull: false };
  await qi.createTable('documents', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    template_id: str(64, false),
    title: str(200, false),
    project_number: str(64),
    instance_id: str(40),
    source_key: str(255),
    owner_org_id: { type: DataTypes.INTEGER, allowNull: true },
    created_by: str(64, false),
    created_at: time,
    latest_version: { type: DataTypes.INTEGER, allowNull: false },
    updated_at: time,
  });
  await qi.addIndex('documents', ['project_number'], { name: 'documents_project_number' });
  await qi.addIndex('documents', ['instance_id'], { name: 'documents_instance_id' });
  await qi.addIndex('documents', ['source_key'], { unique: true, name: 'documents_source_key' });

  await qi.createTable('document_versions', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    document_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'documents', key: 'id' } },
    version: { type: DataTypes.INTEGER, allowNull: false },
    template_id: str(64, false),
    template_version: str(64, false),
    data_json: text,
    html: text,
    sha256: str(64, false),
    job_key: str(255),
    created_by: str(64, false),
    created_at: time,
  });
  await qi.addIndex('document_versions', ['document_id', 'version'], { unique: true, name: 'document_versions_doc_version' });
  await qi.addIndex('document_versions', ['job_key'], { unique: true, name: 'document_versions_job_key' });
}

export async function down({ qi }: MigrationContext): Promise<void> {
  await qi.dropTable('document_versions');
  await qi.dropTable('documents');
}
