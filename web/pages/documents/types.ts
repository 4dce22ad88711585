import type { Schema } from './SchemaForm.tsx';

export interface TemplateInfo {
  id: string;
  no: string;
  title: string;
  titleEn: string;
  step: string;
  legalBasis: string;
  ocdsDocumentType: string;
  version: string;
  schema: Schema;
}

export interface TemplateDetail extends TemplateInfo {
  sample: Record<string, unknown>;
  keyFields: string[];
}

export interface DocumentRecord {
  id: number;
  templateId: string;
  title: string;
  projectNumber: string | null;
  instanceId: string | null;
  createdBy: string;
  createdAt: string;
  latestVersion: number;
  updatedAt: string;
}

export interface VersionRecord {
  documentId: number;
  version: number;
  templateId: string;
  templateVersion: string;
  sha256: string;
  createdBy: string;
  createdAt: string;
}

export const DOCUMENT_WRITERS = ['purchaser', 'agency', 'process_admin'];
