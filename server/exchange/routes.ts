// SCAFFOLD (lead): H4 replaces this file.
import type { Api } from '../http/route.ts';
import type { ComponentDeps } from '../http/component-deps.ts';
export function registerExchangeRoutes(_api: Api, _deps: ComponentDeps): void {}
