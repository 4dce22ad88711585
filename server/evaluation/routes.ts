/** HTTP routes of the evaluation component. */
import type { Api } from '../http/route.ts';
import type { ComponentDeps } from '../http/component-deps.ts';

export function registerEvaluationRoutes(_api: Api, _deps: ComponentDeps): void {}
