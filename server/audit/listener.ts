// SCAFFOLD (lead): H1 replaces this file.
import type { EnginePort } from '../engine/port.ts';
import type { Database } from '../db.ts';
export function attachAuditListener(_engine: EnginePort, _db: Database): void {}
