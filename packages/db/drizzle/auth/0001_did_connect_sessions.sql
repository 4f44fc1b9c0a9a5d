CREATE TABLE `did_connect_sessions` (
	`token` text PRIMARY KEY NOT NULL,
	`poll_key_hash` text,
	`state` text NOT NULL,
	`did` text,
	`created_at` integer DEFAULT (cast(round(unixepoch('subsec') * 1000) as integer)) NOT NULL,
	`expires_at` integer NOT NULL,
	`verified_at` integer,
	`consumed_at` integer,
	CONSTRAINT "did_connect_sessions_state_check" CHECK(json_valid("state"))
);
--> statement-breakpoint
CREATE INDEX `did_connect_sessions_expires_at_idx` ON `did_connect_sessions` (`expires_at`);