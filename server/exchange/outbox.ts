// SCAFFOLD (lead): H4 replaces this file.
import type { Database } from '../db.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
export interface OutboxDelivery { stop(): Promise<void> }
export function startOutboxDelivery(_deps: { db: Database; config: Config; clock: Clock; logger: Logger }): OutboxDelivery {
  return { async stop() {} };
}
