-- Custom SQL migration file, put your code below! --
-- Audit retention without giving up append-only.
--
-- 1. Deleting an audit event is allowed only for an event the NEWEST checkpoint accounts for: an
--    `audit.checkpoint` event whose details say events through `toSeq` were pruned. The retention job appends
--    that checkpoint (with the hash of the last pruned event) and deletes exactly that prefix in the same
--    transaction; any other DELETE (a stray `DELETE FROM audit_events WHERE ts < ...`, a REPLACE) still aborts.
--    The checkpoint itself is never covered by its own range (it is newer), so it stays until a later
--    checkpoint accounts for it. Plain SQL cannot check the checkpoint's HMAC: someone who writes a fake
--    checkpoint row by hand can delete, but `aigne-hub audit verify` then finds the forged checkpoint.
DROP TRIGGER `audit_events_no_delete`;
--> statement-breakpoint
CREATE TRIGGER `audit_events_no_delete`
BEFORE DELETE ON `audit_events`
WHEN OLD.`seq` > coalesce((
	SELECT json_extract(c.`details`, '$.toSeq') FROM `audit_events` c
	WHERE c.`action` = 'audit.checkpoint' ORDER BY c.`seq` DESC LIMIT 1
), 0)
BEGIN
	SELECT RAISE(ABORT, 'audit_events is append-only');
END;
--> statement-breakpoint
-- 2. The head record kept outside the trail can only move forward and cannot be removed through SQL's
--    ordinary paths (it is what reveals removing the newest events).
CREATE TRIGGER `audit_head_no_delete`
BEFORE DELETE ON `audit_head`
BEGIN
	SELECT RAISE(ABORT, 'audit_head cannot be removed');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_head_forward_only`
BEFORE UPDATE ON `audit_head`
WHEN NEW.`seq` < OLD.`seq` OR (NEW.`seq` = OLD.`seq` AND NEW.`hash` <> OLD.`hash`)
BEGIN
	SELECT RAISE(ABORT, 'audit_head only moves forward');
END;
--> statement-breakpoint
-- 3. An existing trail gets its head recorded now, unsealed (SQL has no audit key); the hub seals it with the
--    next event it appends.
INSERT INTO `audit_head` (`id`, `seq`, `hash`, `mac`)
SELECT 1, `seq`, `hash`, NULL FROM `audit_events` ORDER BY `seq` DESC LIMIT 1;
