/**
 * The legal deadlines a procurement instance carries in its variables (computed by the chain's workers from the
 * time-limit configuration), each with its legal basis and, where one step must be done by it, that step's element:
 * the project view lists them, the supervision view finds the ones passed while their step is still open.
 */
import type { Variables } from '../engine/port.ts';

export interface ProjectDeadline {
  key: string;
  /** The variable holding the ISO instant. */
  at: string;
  label: string;
  basis: (v: Variables) => unknown;
  /** The user task that must be done by the deadline (none: a window, e.g. bids or challenges). */
  step?: string;
}

/** Deadlines the chain's variables carry, each with its legal basis (CHAIN.md parts B–E). */
export const PROJECT_DEADLINES: ProjectDeadline[] = [
  { key: 'bidDeadline', at: 'bidDeadlineAt', label: '投标截止时间 (bid deadline)', basis: (v) => v.bidDeadlineBasis },
  { key: 'confirmDeadline', at: 'confirmDeadlineAt', label: '采购人确认中标人期限 (winner confirmation)', step: 'confirm_winner', basis: (v) => (v.confirmDeadline as { basis?: string; ruleId?: string } | undefined)?.basis ? `${(v.confirmDeadline as { ruleId?: string }).ruleId ?? 'T9'} ${(v.confirmDeadline as { basis: string }).basis}` : 'T9 政府采购法实施条例第43条；财政部令第87号第68条' },
  { key: 'challengeDeadline', at: 'challengeDeadlineAt', label: '质疑期限 (challenge deadline)', basis: (v) => v.challengeDeadlineBasis },
  { key: 'challengeReplyDue', at: 'challengeReplyDueAt', label: '质疑答复期限 (challenge reply)', step: 'answer_challenge', basis: () => 'T14 政府采购法第53条；财政部令第94号第13条' },
  { key: 'contractDeadline', at: 'contractDeadlineAt', label: '合同签订期限 (contract signing)', step: 'sign_contract', basis: (v) => v.contractDeadlineBasis },
  { key: 'contractPublishDeadline', at: 'contractPublishDeadlineAt', label: '合同公告期限 (contract publication)', step: 'publish_contract', basis: (v) => v.contractPublishDeadlineBasis },
  // works tenders (招标投标法): the candidates' publicity (a window) and the written report to the supervisor
  { key: 'publicityEnds', at: 'publicityEndsAt', label: '中标候选人公示期届满 (candidate publicity ends)', basis: (v) => v.publicityBasis },
  { key: 'writtenReportDeadline', at: 'writtenReportDeadlineAt', label: '招标投标情况书面报告期限 (written report)', basis: (v) => { const d = v.writtenReportDeadline as { ruleId?: string; basis?: string } | undefined; return d?.basis ? `${d.ruleId ?? 'W4'} ${d.basis}` : 'W4 招标投标法第四十七条'; } },
];
