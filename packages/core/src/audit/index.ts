export {
  AUDIT_GENESIS_HASH,
  AUDIT_OUTCOMES,
  AUDIT_VIAS,
  type AuditActorRole,
  type AuditChainHead,
  type AuditDetails,
  type AuditEvent,
  type AuditOutcome,
  type AuditVia,
  type UnsignedAuditEvent,
} from './types';
export { AUDIT_CANONICAL_VERSION, canonicalAuditEvent, canonicalJson, isIsoUtcMillis } from './canonical';
export { AUDIT_KEY_MIN_BYTES, auditKeyObject, chain, type AuditKey } from './chain';
export { uuidv7 } from './uuidv7';
export { createAuditEvent, type AuditEventInput, type CreateAuditEventOptions } from './create-event';
export {
  verifyChain,
  type AuditTamperReason,
  type UsedCheckpoint,
  type VerifyChainOptions,
  type VerifyChainResult,
} from './verify';
export {
  AUDIT_CHECKPOINT_ACTION,
  checkpointDetails,
  checkpointOf,
  readCheckpoint,
  type AuditCheckpoint,
} from './checkpoint';
export { auditHeadMac, isSealedHead, sealAuditHead, type AuditHeadRecord } from './head';
export { AUDIT_CSV_COLUMNS, AUDIT_CSV_HEADER, toCsvRow, toNdjsonLine } from './export';
