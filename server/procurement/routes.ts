/** HTTP routes of the procurement component. */
import type { Api } from '../http/route.ts';
import type { ComponentDeps } from '../http/component-deps.ts';

export function registerProjectRoutes(_api: Api, _deps: ComponentDeps): void {}
