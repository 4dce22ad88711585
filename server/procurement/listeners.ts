/**
 * The procurement component's engine change listeners: the `projects` row and the `stage_actions` record, both
 * inside the engine's transaction. Attached once per engine, before the engine starts (server/system.ts) so that
 * timers firing at start-up are seen; registerProjectRoutes attaches them too (idempotent) for apps built on an
 * engine without system.ts (tests).
 */
import type { Sequelize } from 'sequelize';
import type { EnginePort } from '../engine/port.ts';
import { projectListener } from './projects.ts';
import { stageActionListener } from './segregation.ts';

const attached = new WeakSet<EnginePort>();

export function attachProjectListeners(engine: EnginePort, sequelize: Sequelize): void {
  if (attached.has(engine)) return;
  attached.add(engine);
  engine.onChange(stageActionListener(sequelize));
  engine.onChange(projectListener(sequelize));
}
