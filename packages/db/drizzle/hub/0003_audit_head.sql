CREATE TABLE `audit_head` (
	`id` integer PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL,
	`hash` text NOT NULL,
	`mac` text,
	`updated_at` integer DEFAULT (cast(round(unixepoch('subsec') * 1000) as integer)) NOT NULL,
	CONSTRAINT "audit_head_single_row" CHECK("id" = 1),
	CONSTRAINT "audit_head_seq_check" CHECK(typeof("seq") = 'integer' and "seq" >= 1)
);
