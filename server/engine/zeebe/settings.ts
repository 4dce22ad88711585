/** How the Zeebe adapter reaches Camunda 8 (from ENGINE=zeebe and the ZEEBE_* variables, see server/config.ts). */
export interface ZeebeSettings {
  /** `grpc://host:26500` (plaintext) or `grpcs://host:443` (TLS). */
  grpcAddress: string;
  /** Orchestration Cluster REST API, e.g. `http://host:8080`. */
  restAddress: string;
  auth: 'none' | 'oauth';
  clientId?: string;
  clientSecret?: string;
  /** Token endpoint for client credentials, e.g. `http://keycloak:18080/auth/realms/camunda-platform/protocol/openid-connect/token`. */
  oauthUrl?: string;
  /** Audience of the token for the gRPC gateway and the REST API. */
  tokenAudience?: string;
  /** Worker name reported to Zeebe (shows in Operate). */
  workerName?: string;
  /** How long an ActivateJobs request waits for a job (long polling), ms; default 10 000 (Zeebe's own default). */
  longPollMs?: number;
  /** Jobs fetched per request and handled at once, per task type. */
  maxJobsPerType?: number;
}
