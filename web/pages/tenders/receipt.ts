/**
 * The bid receipt's digest recomputed in the browser, exactly as the server makes it (server/tender/sealing.ts
 * receiptDigest): SHA-256 of the canonical JSON (keys sorted, no spaces) of {v:1, tenderId, content, salt, files,
 * submittedAt}. The supplier keeps the record (what it sent plus the receipt) to check the digest again later,
 * e.g. against the opening record.
 */
import type { Receipt } from './types.ts';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface ReceiptRecord {
  v: 1;
  tenderId: number;
  content: unknown;
  salt: string;
  files: { fileId: number; sha256: string }[];
  submittedAt: string;
}

export function receiptRecord(tenderId: number, content: unknown, r: Receipt): ReceiptRecord {
  return { v: 1, tenderId, content, salt: r.salt, files: r.files ?? [], submittedAt: r.submittedAt };
}

/** Hex SHA-256 of the record, or null where the browser offers no Web Crypto (plain http on a non-local host). */
export async function recordDigest(rec: ReceiptRecord): Promise<string | null> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  const hash = await subtle.digest('SHA-256', new TextEncoder().encode(canonicalJson(rec)));
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Saves the record with the receipt's digest as a JSON file. */
export function saveRecord(rec: ReceiptRecord, sha256: string, name: string): void {
  const blob = new Blob([JSON.stringify({ ...rec, sha256 }, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
