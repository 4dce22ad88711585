/** Works tenders under the Bidding Law (issue 11): what other modules use. */
export { WORKS_WORKERS } from './workers.ts';
export { registerWorksRoutes } from './routes.ts';
export const WORKS_PROCESS_ID = 'works_tender';
