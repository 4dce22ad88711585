/** What other components use from the procurement component (CHAIN.md "Exported functions"). */
export { projectOfInstance, PROJECT_STATUSES, type ProjectRow, type ProjectStatus } from './projects.ts';
export { assertSegregationOfDuties, approvalStageOf, stageActionsOf, APPROVAL_STAGE_HEADER, type StageAction } from './segregation.ts';
export { checkApplication, yuanToFenExact, type ApplicationCheck, type ItemFen } from './application.ts';
export { attachProjectListeners } from './listeners.ts';
export { registerProjectRoutes } from './routes.ts';
