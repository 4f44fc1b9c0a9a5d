/** Shapes of what the hub answers, named once for the components that show them (inferred, never restated). */
import type { inferInput, inferOutput } from '@trpc/tanstack-react-query';
import type { trpc } from './trpc';

export type Me = inferOutput<typeof trpc.me.get>;
export type MyUsage = inferOutput<typeof trpc.me.usage>;
export type SetupStatus = inferOutput<typeof trpc.auth.setupStatus>;
export type SessionView = inferOutput<typeof trpc.auth.sessions>[number];
export type ApiKeyView = inferOutput<typeof trpc.apiKeys.list>[number];
export type CreateApiKeyInput = inferInput<typeof trpc.apiKeys.create>;
export type ProviderView = inferOutput<typeof trpc.providers.list>[number];
export type CredentialView = inferOutput<typeof trpc.credentials.list>[number];
export type CredentialTestResult = inferOutput<typeof trpc.credentials.test>;
export type ModelRateView = inferOutput<typeof trpc.modelRates.list>[number];
export type UserView = inferOutput<typeof trpc.users.list>['items'][number];
export type AuditPage = inferOutput<typeof trpc.auditEvents.list>;
export type AuditEventView = AuditPage['events'][number];
export type AuditFilterInput = inferInput<typeof trpc.auditEvents.list>;
export type ChainVerification = inferOutput<typeof trpc.auditEvents.verify>;
export type HubSettings = inferOutput<typeof trpc.config.get>['settings'];
export type SettingsPatch = inferInput<typeof trpc.config.update>;
export type UsageSummary = inferOutput<typeof trpc.usage.summary>;
export type UsageMetrics = UsageSummary['totals'];
export type Role = Me['role'];
