/**
 * The audit trail's hash chain: each entry's hash is SHA-256 over a canonical serialisation of its fields and the
 * previous entry's hash. Canonical = a JSON array in fixed field order, the summary as canonical JSON (keys sorted),
 * time as ISO-8601 UTC with milliseconds — the same bytes whichever database stored the row.
 */
import crypto from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainFields {
  seq: number;
  at: Date;
  actor: string | null;
  roles: string | null;
  action: string;
  objectType: string;
  objectId: string;
  instanceId: string | null;
  /** Canonical JSON text (see canonicalJson) or null. */
  summary: string | null;
}

/** JSON with object keys sorted at every level; undefined members dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as Record<string, unknown>).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

export function entryHash(fields: ChainFields, prevHash: string): string {
  const material = JSON.stringify([
    fields.seq,
    fields.at.toISOString(),
    fields.actor,
    fields.roles,
    fields.action,
    fields.objectType,
    fields.objectId,
    fields.instanceId,
    fields.summary,
    prevHash,
  ]);
  return crypto.createHash('sha256').update(material, 'utf8').digest('hex');
}
