/**
 * Variables the server sets when an instance starts; a client may not supply them (they decide routing, e.g.
 * whether 市财政审批 is needed, so an applicant must not be able to choose them).
 */
import { validationFailed } from '../errors.ts';
import type { Variables } from '../engine/port.ts';
import { openTenderThreshold } from '../procurement/thresholds.ts';

export const SERVER_START_VARIABLES = ['initiator', 'cityApprovalThresholdFen'] as const;

export function startVariables(clientVariables: Variables, ctx: { username: string; now: Date }): Variables {
  const forged = Object.keys(clientVariables).filter((k) => (SERVER_START_VARIABLES as readonly string[]).includes(k));
  if (forged.length) {
    throw validationFailed(
      `这些变量由服务端设置，不能提交 (set by the server): ${forged.join(', ')}`,
      forged.map((k) => ({ path: `variables.${k}`, reason: 'set by the server; must not be supplied' })),
    );
  }
  return {
    ...clientVariables,
    initiator: ctx.username,
    cityApprovalThresholdFen: openTenderThreshold(ctx.now).goodsServicesFen,
  };
}
