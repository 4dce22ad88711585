// SCAFFOLD (lead): H4 replaces this file.
import type { EnginePort } from '../engine/port.ts';
import type { Database } from '../db.ts';
import type { Config } from '../config.ts';
export function attachExchangeListener(_engine: EnginePort, _db: Database, _config: Config): void {}
