-- Custom SQL migration file, put your code below! --
-- The audit trail is append-only: no statement may rewrite or remove an event. The hash chain already
-- makes tampering detectable; these triggers make the ordinary paths refuse it outright.
-- (A retention job will prune old events through its own explicit, audited path in a later migration.)
CREATE TRIGGER `audit_events_no_update`
BEFORE UPDATE ON `audit_events`
BEGIN
	SELECT RAISE(ABORT, 'audit_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_events_no_delete`
BEFORE DELETE ON `audit_events`
BEGIN
	SELECT RAISE(ABORT, 'audit_events is append-only');
END;
