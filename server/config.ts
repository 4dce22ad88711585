/**
 * Configuration: read from the environment once, validated with zod. A bad value stops start-up with a
 * message naming the variable. Every variable is listed in CONFIG_VARIABLES (the README table is checked
 * against it).
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { z } from 'zod';
import type { ZeebeSettings } from './engine/zeebe/settings.ts';

export interface ConfigVariable {
  name: string;
  default: string;
  description: string;
}

export const CONFIG_VARIABLES: ConfigVariable[] = [
  { name: 'PORT', default: '3000', description: 'HTTP 监听端口 (HTTP port to listen on)' },
  { name: 'HOST', default: '0.0.0.0', description: 'HTTP 监听地址 (interface to bind)' },
  { name: 'DATABASE_URL', default: 'sqlite:data/eproc.sqlite', description: '数据库地址：sqlite:<文件> 或 mysql://user:pass@host:3306/db (database URL)' },
  { name: 'JWT_SECRET', default: '(generated into data/jwt-secret)', description: 'JWT 签名密钥，至少 32 个字符；生产环境必须设置 (HS256 signing secret, ≥32 chars, required in production)' },
  { name: 'JWT_ISSUER', default: 'fucheng-eproc', description: 'JWT iss 声明 (token issuer)' },
  { name: 'JWT_AUDIENCE', default: 'fucheng-eproc-api', description: 'JWT aud 声明 (token audience)' },
  { name: 'JWT_EXPIRES_IN', default: '8h', description: '登录令牌有效期，如 8h、30m (token lifetime)' },
  { name: 'DEMO_PASSWORD', default: 'demo1234', description: '演示账号的初始密码 (password of the demo accounts)' },
  { name: 'SEED_DEMO', default: 'true', description: '新数据库首次启动时创建演示单位和账号；false 不创建 (seed demo organisations and users on a new database)' },
  { name: 'SEED_DEMO_CHAIN', default: 'true', description: '与 SEED_DEMO 一起：新数据库首次启动时另建两个演示项目（一个待主管部门审批，一个已发布招标、可投标）；false 不建 (with SEED_DEMO: two demo projects in the chain on a new database, one awaiting 主管部门审批, one open for bids)' },
  { name: 'LOG_LEVEL', default: 'info', description: '日志级别 fatal/error/warn/info/debug/trace/silent (log level)' },
  { name: 'ENGINE', default: 'embedded', description: '流程引擎：embedded（内置，单机）或 zeebe（Camunda 8 集群）(BPMN engine adapter: embedded or zeebe)' },
  { name: 'ZEEBE_GRPC_ADDRESS', default: '(none; required for zeebe)', description: 'Zeebe 网关 gRPC 地址，明文 grpc://host:26500，TLS grpcs://host:443 (Zeebe gateway gRPC address with scheme)' },
  { name: 'ZEEBE_REST_ADDRESS', default: '(none; required for zeebe)', description: 'Camunda 编排集群 REST API 地址，如 http://camunda:8080 (Orchestration Cluster REST API base URL)' },
  { name: 'ZEEBE_AUTH', default: 'none', description: 'Zeebe 认证方式：none 或 oauth（客户端凭证）(none, or oauth client credentials)' },
  { name: 'ZEEBE_CLIENT_ID', default: '(none)', description: 'OAuth 客户端 ID（ZEEBE_AUTH=oauth 时必填）(OAuth client id)' },
  { name: 'ZEEBE_CLIENT_SECRET', default: '(none)', description: 'OAuth 客户端密钥（ZEEBE_AUTH=oauth 时必填）(OAuth client secret)' },
  { name: 'ZEEBE_OAUTH_URL', default: '(none)', description: 'OAuth 令牌地址（ZEEBE_AUTH=oauth 时必填）(OAuth token endpoint URL)' },
  { name: 'ZEEBE_TOKEN_AUDIENCE', default: 'zeebe-api', description: 'OAuth 令牌受众 (token audience for the gateway and REST API)' },
  { name: 'ENGINE_HOT_INSTANCES', default: '32', description: 'embedded 引擎在内存中保留的活跃实例数（LRU）：命中时免去从数据库恢复；采购流程每个约 7 MB，0 为每次恢复 (live engines kept between operations; ~7 MB per procurement instance; 0 recovers every time)' },
  { name: 'ENGINE_POLL_MS', default: '1000', description: '轮询间隔（毫秒）：embedded 为定时器与作业重试，zeebe 为待办同步 (scheduler / zeebe task-sync interval, ms)' },
  { name: 'PROCESSES_DIR', default: 'processes', description: '启动时部署的 BPMN 模型目录 (directory of *.bpmn deployed at start-up)' },
  { name: 'FORMS_DIR', default: 'forms', description: '表单目录，<formId>.form (directory of Camunda forms)' },
  { name: 'INBOX_DUE_SOON_HOURS', default: '48', description: '待办到期前多少小时标记为“即将到期” (hours before the due date a task is marked due soon)' },
  { name: 'CHROMIUM_PATH', default: '/usr/bin/chromium', description: '生成 PDF 文书所用的 Chromium 程序路径 (Chromium binary that prints document PDFs)' },
  { name: 'PROCESS_CHANGE_APPROVAL', default: 'false', description: '流程模型变更须经监督审批后才部署（流程 process_change）(a model change needs the supervisor\'s approval before it is deployed)' },
  { name: 'BID_SEAL_KEY', default: '(none; the key file is used)', description: '投标文件密封主密钥：base64 编码的 32 字节；只用于包装各项目的数据密钥，从不写入数据库 (master key wrapping the per-tender bid keys, base64 of 32 bytes)' },
  { name: 'BID_SEAL_KEY_FILE', default: 'data/bid-seal.key', description: '未设置 BID_SEAL_KEY 时的主密钥文件，首次使用时生成（权限 0600）(master key file, created 0600 on first use when BID_SEAL_KEY is not set)' },
  { name: 'METRICS_TOKEN', default: '(none; /metrics open)', description: '设置后 /metrics 须带 Bearer 令牌 (when set, /metrics requires this bearer token)' },
  { name: 'OCDS_OCID_PREFIX', default: 'ocds-xxxxxx-', description: 'OCDS 开放合同编号前缀（ocid = 前缀 + 项目编号），应为登记的 ocds-xxxxxx- (OCDS ocid prefix; ocid = prefix + project number)' },
  { name: 'CITY_PLATFORM_URL', default: '(none; releases queue unsent)', description: '市级平台接收 OCDS 发布的地址（POST）；未设置时只入队不推送 (city platform endpoint the OCDS releases are POSTed to; unset: queued, not pushed)' },
  { name: 'CITY_PLATFORM_TOKEN', default: '(none)', description: '推送时带的 Bearer 令牌 (bearer token sent with each push)' },
  { name: 'OUTBOX_POLL_MS', default: '5000', description: '发件箱轮询间隔（毫秒），也是失败重试退避的基数 (outbox poll interval, ms; base of the retry backoff)' },
  { name: 'NODE_ENV', default: 'development', description: '运行环境；production 时强制要求 JWT_SECRET (runtime environment)' },
];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  nodeEnv: string;
  port: number;
  host: string;
  databaseUrl: string;
  jwt: { secret: string; issuer: string; audience: string; expiresIn: string };
  demoPassword: string;
  seedDemo: boolean;
  /** With seedDemo: demo projects in the chain on a new database (server/seed/chain-demo.ts). */
  seedDemoChain: boolean;
  logLevel: LogLevel;
  engine: 'embedded' | 'zeebe';
  /** Set when engine is zeebe. */
  zeebe?: ZeebeSettings;
  enginePollMs: number;
  /** Embedded engine: live instances kept between operations (server/engine/embedded/engine.ts). */
  engineHotInstances: number;
  processesDir: string;
  formsDir: string;
  inboxDueSoonHours: number;
  /** Chromium binary for document PDFs (server/documents/pdf.ts). */
  chromiumPath: string;
  processChangeApproval: boolean;
  /** Master key of the bid sealing (server/tender/sealing.ts): the key itself, or the file it is kept in. */
  bidSeal?: { key: Buffer | null; keyFile: string };
  /** Bearer token that /metrics requires, or null (server/metrics/). */
  metricsToken: string | null;
  /** OCDS releases and their push to the city platform (server/exchange/). */
  exchange: { ocidPrefix: string; cityPlatformUrl: string | null; cityPlatformToken: string | null; outboxPollMs: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; reason: string }[]) {
    super(
      '配置错误 (invalid configuration):\n' + problems.map((p) => `  ${p.variable}: ${p.reason}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `必须是整数 (must be an integer)`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `必须在 ${min} 到 ${max} 之间 (must be between ${min} and ${max})`);

const bool = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => ['true', 'false', '1', '0', 'yes', 'no'].includes(s), '必须是 true 或 false (must be true or false)')
  .transform((s) => s === 'true' || s === '1' || s === 'yes');

const nonEmpty = z.string().trim().min(1, '不能为空 (must not be empty)');

const schema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: int(0, 65535).default(3000),
  HOST: nonEmpty.default('0.0.0.0'),
  DATABASE_URL: nonEmpty
    .refine((u) => /^(sqlite:.+|mysql:\/\/.+|mariadb:\/\/.+)$/.test(u), '必须以 sqlite: 或 mysql:// 开头 (must start with sqlite: or mysql://)')
    .default('sqlite:data/eproc.sqlite'),
  JWT_SECRET: z.string().min(32, '至少需要 32 个字符 (must be at least 32 characters)').optional(),
  JWT_ISSUER: nonEmpty.default('fucheng-eproc'),
  JWT_AUDIENCE: nonEmpty.default('fucheng-eproc-api'),
  JWT_EXPIRES_IN: z
    .string()
    .regex(/^\d+\s*(s|m|h|d)?$/, '格式如 8h、30m、3600 (e.g. 8h, 30m or seconds)')
    .default('8h'),
  DEMO_PASSWORD: z.string().min(8, '至少需要 8 个字符 (must be at least 8 characters)').default('demo1234'),
  SEED_DEMO: bool.default(true),
  SEED_DEMO_CHAIN: bool.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ENGINE: z.enum(['embedded', 'zeebe'], { message: '可选 embedded 或 zeebe (unknown engine: embedded or zeebe)' }).default('embedded'),
  // Plaintext needs the grpc:// scheme (@camunda8/sdk assumes TLS without one).
  ZEEBE_GRPC_ADDRESS: z.string().trim().regex(/^grpcs?:\/\/[^\s/:]+:\d{1,5}$/, '格式为 grpc://host:port 或 grpcs://host:port (must be grpc://host:port or grpcs://host:port)').optional(),
  ZEEBE_REST_ADDRESS: z.string().trim().regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, '必须是 http(s):// 地址 (must be an http(s) URL)').optional(),
  ZEEBE_AUTH: z.enum(['none', 'oauth'], { message: '可选 none 或 oauth (none or oauth)' }).default('none'),
  ZEEBE_CLIENT_ID: nonEmpty.optional(),
  ZEEBE_CLIENT_SECRET: nonEmpty.optional(),
  ZEEBE_OAUTH_URL: z.string().trim().regex(/^https?:\/\/\S+$/, '必须是 http(s):// 地址 (must be an http(s) URL)').optional(),
  ZEEBE_TOKEN_AUDIENCE: nonEmpty.default('zeebe-api'),
  ENGINE_POLL_MS: int(10, 3_600_000).default(1000),
  ENGINE_HOT_INSTANCES: int(0, 10_000).default(32),
  PROCESSES_DIR: nonEmpty.default('processes'),
  FORMS_DIR: nonEmpty.default('forms'),
  INBOX_DUE_SOON_HOURS: int(0, 24 * 365).default(48),
  CHROMIUM_PATH: z.string().trim().regex(/^\//, '必须是绝对路径 (must be an absolute path)').default('/usr/bin/chromium'),
  PROCESS_CHANGE_APPROVAL: bool.default(false),
  BID_SEAL_KEY: z
    .string()
    .trim()
    .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, '必须是 base64 编码的 32 字节 (must be base64 of exactly 32 bytes)')
    .optional(),
  BID_SEAL_KEY_FILE: nonEmpty.default('data/bid-seal.key'),
  METRICS_TOKEN: z.string().min(16, '至少需要 16 个字符 (must be at least 16 characters)').optional(),
  OCDS_OCID_PREFIX: z.string().trim().regex(/^ocds-[a-z0-9]{6}-$/, '格式为 ocds-xxxxxx-（6 位小写字母或数字）(must be ocds- + 6 lowercase letters/digits + -)').default('ocds-xxxxxx-'),
  CITY_PLATFORM_URL: z.string().trim().regex(/^https?:\/\/\S+$/, '必须是 http(s):// 地址 (must be an http(s) URL)').optional(),
  CITY_PLATFORM_TOKEN: nonEmpty.optional(),
  OUTBOX_POLL_MS: int(10, 3_600_000).default(5000),
});

export interface LoadConfigOptions {
  /** Where a generated JWT secret is kept (default `data`). */
  dataDir?: string;
}

/** Reads and validates the environment. Throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: LoadConfigOptions = {}): Config {
  // Empty strings count as "not set", so `PORT=` falls back to the default.
  const raw: Record<string, string> = {};
  for (const v of CONFIG_VARIABLES) {
    const value = env[v.name];
    if (value !== undefined && value !== '') raw[v.name] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '?'), reason: i.message })));
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && !e.JWT_SECRET) {
    throw new ConfigError([{ variable: 'JWT_SECRET', reason: '生产环境必须设置，至少 32 个字符 (required in production, ≥32 characters)' }]);
  }
  let zeebe: ZeebeSettings | undefined;
  if (e.ENGINE === 'zeebe') {
    const missing: { variable: string; reason: string }[] = [];
    const need = (variable: string, value: string | undefined, when: 'ENGINE=zeebe' | 'ZEEBE_AUTH=oauth') => {
      if (!value) missing.push({ variable, reason: `${when} 时必填 (required when ${when})` });
    };
    need('ZEEBE_GRPC_ADDRESS', e.ZEEBE_GRPC_ADDRESS, 'ENGINE=zeebe');
    need('ZEEBE_REST_ADDRESS', e.ZEEBE_REST_ADDRESS, 'ENGINE=zeebe');
    if (e.ZEEBE_AUTH === 'oauth') {
      need('ZEEBE_CLIENT_ID', e.ZEEBE_CLIENT_ID, 'ZEEBE_AUTH=oauth');
      need('ZEEBE_CLIENT_SECRET', e.ZEEBE_CLIENT_SECRET, 'ZEEBE_AUTH=oauth');
      need('ZEEBE_OAUTH_URL', e.ZEEBE_OAUTH_URL, 'ZEEBE_AUTH=oauth');
    }
    if (missing.length) throw new ConfigError(missing);
    zeebe = {
      grpcAddress: e.ZEEBE_GRPC_ADDRESS!, restAddress: e.ZEEBE_REST_ADDRESS!, auth: e.ZEEBE_AUTH, clientId: e.ZEEBE_CLIENT_ID,
      clientSecret: e.ZEEBE_CLIENT_SECRET, oauthUrl: e.ZEEBE_OAUTH_URL, tokenAudience: e.ZEEBE_TOKEN_AUDIENCE,
    };
  }
  const secret = e.JWT_SECRET ?? persistentSecret(opts.dataDir ?? 'data');
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    jwt: { secret, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE, expiresIn: e.JWT_EXPIRES_IN.replace(/\s+/g, '') },
    demoPassword: e.DEMO_PASSWORD,
    seedDemo: e.SEED_DEMO,
    seedDemoChain: e.SEED_DEMO_CHAIN,
    logLevel: e.LOG_LEVEL,
    engine: e.ENGINE,
    zeebe,
    enginePollMs: e.ENGINE_POLL_MS,
    engineHotInstances: e.ENGINE_HOT_INSTANCES,
    processesDir: e.PROCESSES_DIR,
    formsDir: e.FORMS_DIR,
    inboxDueSoonHours: e.INBOX_DUE_SOON_HOURS,
    chromiumPath: e.CHROMIUM_PATH,
    processChangeApproval: e.PROCESS_CHANGE_APPROVAL,
    bidSeal: { key: e.BID_SEAL_KEY ? Buffer.from(e.BID_SEAL_KEY, 'base64') : null, keyFile: e.BID_SEAL_KEY_FILE },
    metricsToken: e.METRICS_TOKEN ?? null,
    exchange: { ocidPrefix: e.OCDS_OCID_PREFIX, cityPlatformUrl: e.CITY_PLATFORM_URL ?? null, cityPlatformToken: e.CITY_PLATFORM_TOKEN ?? null, outboxPollMs: e.OUTBOX_POLL_MS },
  };
}

/** A random secret generated once and kept in `<dataDir>/jwt-secret` (mode 0600) so restarts keep tokens valid. */
function persistentSecret(dataDir: string): string {
  const file = path.resolve(dataDir, 'jwt-secret');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError([{ variable: 'JWT_SECRET', reason: `无法读取 ${file} (cannot read): ${(err as Error).message}` }]);
    }
  }
  const secret = crypto.randomBytes(48).toString('base64url');
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, secret + '\n', { mode: 0o600 });
    fs.chmodSync(file, 0o600);
  } catch (err) {
    throw new ConfigError([{ variable: 'JWT_SECRET', reason: `未设置且无法写入 ${file} (not set and cannot store a generated one): ${(err as Error).message}` }]);
  }
  return secret;
}

/** DATABASE_URL alone, validated the same way (for tools such as `npm run migrate` that need nothing else). */
export function loadDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.DATABASE_URL || undefined;
  const parsed = schema.pick({ DATABASE_URL: true }).safeParse({ DATABASE_URL: value });
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: 'DATABASE_URL', reason: i.message })));
  }
  return parsed.data.DATABASE_URL;
}
