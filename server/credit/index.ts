/** What other components use from credit: the check the procurement chain runs, and the records in force. */
export { checkCredit, recordsInForce, policyOn, type CheckCreditInput, type CreditCheckResult, type CreditPolicy } from './check.ts';
export { registerCreditRoutes } from './routes.ts';
