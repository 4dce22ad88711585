/** HTTP routes of the tender component. */
import type { Api } from '../http/route.ts';
import type { ComponentDeps } from '../http/component-deps.ts';

export function registerTenderRoutes(_api: Api, _deps: ComponentDeps): void {}
