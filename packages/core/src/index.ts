export * from './errors';
export * from './credential-fields';
export * from './crypto/index';
export * from './masking/index';
export * from './audit/index';
export * from './api-keys/index';
export * from './did-auth/index';
export * from './rbac/index';
