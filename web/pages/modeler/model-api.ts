/** Shapes of the deployments API (server/modeler/schemas.ts) and the label of a diff property. */
import type { TFunction } from '../../i18n/index.ts';
import type { LintProblem } from './bpmn.ts';

export interface DiffSummary { added: number; removed: number; changed: number; layoutChanged: number }
export interface Deployment {
  deploymentId: string;
  bpmnProcessId: string;
  name: string | null;
  version: number;
  resourceName: string;
  deployedBy: string | null;
  comment: string | null;
  createdAt: string;
  source: 'shipped' | 'ui' | 'engine';
  previousDeploymentId: string | null;
  latest: boolean;
  diffSummary: DiffSummary | null;
}
export interface ElementRef { id: string; type: string; name: string | null }
export interface PropertyChange { property: string; oldValue: string | null; newValue: string | null }
export interface ModelDiff {
  added: ElementRef[];
  removed: ElementRef[];
  changed: (ElementRef & { changes: PropertyChange[] })[];
  layoutChanged: ElementRef[];
  summary: DiffSummary;
}
export interface ChangeRequest {
  id: string;
  bpmnProcessId: string;
  baseDeploymentId: string | null;
  comment: string;
  status: 'pending' | 'deployed' | 'rejected';
  requestedBy: string;
  requestedAt: string;
  approvalInstanceId: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
  deploymentId: string | null;
  diffSummary: DiffSummary | null;
}
export interface DeploymentDetail extends Deployment { xml: string; diff: ModelDiff; lintWarnings: LintProblem[] }
export interface LintResult { bpmnProcessId: string | null; name: string | null; problems: LintProblem[]; errorCount: number; warningCount: number }
export interface DeployResult { deployment: Deployment; diff: ModelDiff; warnings: LintProblem[] }

/** `header.legalBasis` → 任务头 legalBasis; `assignment.candidateGroups` → 候选组. */
export function propertyLabel(t: TFunction, property: string): string {
  const m = /^(header|input|output|property)\.(.+)$/.exec(property);
  if (m) return t(`props.${m[1]}`, { key: m[2] });
  const label = t(`props.${property}`, { defaultValue: '' });
  return label && typeof label === 'string' ? label : property;
}

export function summaryText(s: DiffSummary | null): string {
  if (!s) return '';
  return `+${s.added} −${s.removed} ~${s.changed}`;
}
