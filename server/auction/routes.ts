// SCAFFOLD (lead): H7 replaces this file.
import type { Api } from '../http/route.ts';
import type { ComponentDeps } from '../http/component-deps.ts';
export function registerAuctionRoutes(_api: Api, _deps: ComponentDeps): void {}
