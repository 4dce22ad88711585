/** Works tenders under the Bidding Law (issue 11): what other modules use. */
export { WORKS_WORKERS } from './workers.ts';
export { registerWorksRoutes } from './routes.ts';
export { WORKS_PROCESS_ID } from '../procurement/projects.ts';
