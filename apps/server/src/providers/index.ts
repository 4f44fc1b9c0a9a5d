/**
 * The provider registry: per kind its label, defaults, credential type and wire format (registry.ts), the
 * adapters that speak each wire format through the official SDKs (wire/), and the pieces every upstream
 * call shares: targets and deadlines (upstream.ts), safe error text (upstream-error.ts), and the connection
 * test (test-connection.ts). The AI gateway extends the adapters; routers use the rest.
 */
export * from './registry';
export * from './endpoint';
export * from './upstream';
export * from './upstream-error';
export * from './test-connection';
export * from './wire/index';
