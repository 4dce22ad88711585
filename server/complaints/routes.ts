// SCAFFOLD (lead): H2 replaces this file.
import type { Api } from '../http/route.ts';
import type { ComponentDeps } from '../http/component-deps.ts';
export function registerComplaintRoutes(_api: Api, _deps: ComponentDeps): void {}
