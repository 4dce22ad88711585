/**
 * The audit call of the complaints component (complaint.filed, report.filed), in the filing's own transaction.
 * H1's server/audit/index.ts `appendAudit` is not in the tree yet: until it lands this records nothing.
 */
import type { Transaction } from 'sequelize';

export interface ComplaintAuditInput {
  at: Date;
  actor: string | null;
  roles?: string[];
  action: 'complaint.filed' | 'report.filed';
  objectType: 'complaint' | 'report';
  objectId: string;
  summary?: Record<string, unknown>;
}

export async function appendAudit(_tx: Transaction, _input: ComplaintAuditInput): Promise<void> {}
