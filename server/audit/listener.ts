/**
 * Every engine change (instances, tasks, messages, incidents, deployments) becomes an audit entry inside the
 * engine's own transaction: the change and its record commit together or not at all. Attached once per engine
 * (server/system.ts; registerAuditRoutes too, for apps built without it).
 */
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../db.ts';
import type { EngineChange, EnginePort } from '../engine/port.ts';
import { appendAudit } from './index.ts';

const attached = new WeakSet<EnginePort>();

export function attachAuditListener(engine: EnginePort, db: Database): void {
  if (attached.has(engine)) return;
  attached.add(engine);
  const roles = rolesLookup();
  engine.onChange(async (change: EngineChange, tx: Transaction) => {
    await appendAudit(tx, {
      at: change.at,
      actor: change.actor,
      roles: change.actor ? await roles(db, change.actor, tx) : undefined,
      action: change.kind,
      objectType: change.kind.split('.')[0]!,
      objectId: change.objectId,
      instanceId: change.instanceId,
      summary: change.data,
    });
  });
}

/** The actor's roles at the time (users.roles), cached briefly: the same few users act many times a minute. */
function rolesLookup() {
  const cache = new Map<string, { roles: string[]; until: number }>();
  return async (db: Database, username: string, tx: Transaction): Promise<string[]> => {
    const hit = cache.get(username);
    const now = Date.now();
    if (hit && hit.until > now) return hit.roles;
    const [row] = await db.sequelize.query<{ roles: string }>('SELECT roles FROM users WHERE username = ?', {
      replacements: [username], type: QueryTypes.SELECT, transaction: tx,
    });
    const list = row?.roles ? row.roles.split(',').map((r) => r.trim()).filter(Boolean) : [];
    if (cache.size > 1000) cache.clear();
    cache.set(username, { roles: list, until: now + 30_000 });
    return list;
  };
}
