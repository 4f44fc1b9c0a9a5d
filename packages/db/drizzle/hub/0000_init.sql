CREATE TABLE `users` (
	`did` text PRIMARY KEY NOT NULL,
	`role` text DEFAULT 'guest' NOT NULL,
	`name` text,
	`created_at` integer DEFAULT (cast(round(unixepoch('subsec') * 1000) as integer)) NOT NULL,
	`last_seen_at` integer,
	`credits` integer DEFAULT 0 NOT NULL,
	CONSTRAINT "users_role_check" CHECK("role" in ('owner', 'admin', 'guest')),
	CONSTRAINT "users_credits_check" CHECK(typeof("credits") = 'integer')
);
--> statement-breakpoint
CREATE TABLE `providers` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`display_name` text NOT NULL,
	`base_url` text,
	`region` text,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (cast(round(unixepoch('subsec') * 1000) as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(round(unixepoch('subsec') * 1000) as integer)) NOT NULL,
	CONSTRAINT "providers_name_check" CHECK(length("name") between 1 and 64 and "name" not glob '*[^a-z0-9._-]*'),
	CONSTRAINT "providers_enabled_check" CHECK("enabled" in (0, 1))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `providers_name_unique` ON `providers` (`name`);--> statement-breakpoint
CREATE TABLE `credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`provider_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`value` text NOT NULL,
	`weight` integer DEFAULT 100 NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`status` text DEFAULT 'healthy' NOT NULL,
	`status_reason` text,
	`cooldown_until` integer,
	`last_used_at` integer,
	`last_error_at` integer,
	`usage_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (cast(round(unixepoch('subsec') * 1000) as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(round(unixepoch('subsec') * 1000) as integer)) NOT NULL,
	FOREIGN KEY (`provider_id`) REFERENCES `providers`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "credentials_type_check" CHECK("type" in ('api_key', 'access_key_pair', 'custom')),
	CONSTRAINT "credentials_status_check" CHECK("status" in ('healthy', 'cooling', 'invalid')),
	CONSTRAINT "credentials_value_check" CHECK(json_valid("value")),
	CONSTRAINT "credentials_weight_check" CHECK(typeof("weight") = 'integer' and "weight" >= 0),
	CONSTRAINT "credentials_usage_count_check" CHECK(typeof("usage_count") = 'integer' and "usage_count" >= 0),
	CONSTRAINT "credentials_enabled_check" CHECK("enabled" in (0, 1))
);
--> statement-breakpoint
CREATE INDEX `credentials_provider_id_idx` ON `credentials` (`provider_id`);--> statement-breakpoint
CREATE TABLE `model_rates` (
	`id` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`model` text NOT NULL,
	`type` text NOT NULL,
	`input_rate` real NOT NULL,
	`output_rate` real NOT NULL,
	`cache_read_rate` real,
	`cache_write_rate` real,
	`enabled` integer DEFAULT true NOT NULL,
	`deprecated` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(round(unixepoch('subsec') * 1000) as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(round(unixepoch('subsec') * 1000) as integer)) NOT NULL,
	CONSTRAINT "model_rates_type_check" CHECK("type" in ('chat', 'embedding', 'image')),
	CONSTRAINT "model_rates_input_rate_check" CHECK(typeof("input_rate") = 'real' and "input_rate" >= 0),
	CONSTRAINT "model_rates_output_rate_check" CHECK(typeof("output_rate") = 'real' and "output_rate" >= 0),
	CONSTRAINT "model_rates_cache_read_rate_check" CHECK(("cache_read_rate" is null or (typeof("cache_read_rate") = 'real' and "cache_read_rate" >= 0))),
	CONSTRAINT "model_rates_cache_write_rate_check" CHECK(("cache_write_rate" is null or (typeof("cache_write_rate") = 'real' and "cache_write_rate" >= 0))),
	CONSTRAINT "model_rates_enabled_check" CHECK("enabled" in (0, 1)),
	CONSTRAINT "model_rates_deprecated_check" CHECK("deprecated" in (0, 1))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `model_rates_provider_model_type_unique` ON `model_rates` (`provider`,`model`,`type`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`user_did` text NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`last4` text NOT NULL,
	`hash` text NOT NULL,
	`previous_hash` text,
	`previous_hash_expires_at` integer,
	`scopes` text DEFAULT '[]' NOT NULL,
	`allowed_models` text,
	`allowed_ips` text,
	`rate_limit_per_minute` integer,
	`expires_at` integer,
	`revoked_at` integer,
	`last_used_at` integer,
	`created_at` integer DEFAULT (cast(round(unixepoch('subsec') * 1000) as integer)) NOT NULL,
	FOREIGN KEY (`user_did`) REFERENCES `users`(`did`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "api_keys_scopes_check" CHECK(json_valid("scopes")),
	CONSTRAINT "api_keys_allowed_models_check" CHECK(("allowed_models" is null or (json_valid("allowed_models")))),
	CONSTRAINT "api_keys_allowed_ips_check" CHECK(("allowed_ips" is null or (json_valid("allowed_ips")))),
	CONSTRAINT "api_keys_rate_limit_check" CHECK(("rate_limit_per_minute" is null or (typeof("rate_limit_per_minute") = 'integer' and "rate_limit_per_minute" >= 1))),
	CONSTRAINT "api_keys_previous_hash_check" CHECK(("previous_hash" is null) = ("previous_hash_expires_at" is null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_previous_hash_unique` ON `api_keys` (`previous_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_user_did_idx` ON `api_keys` (`user_did`);--> statement-breakpoint
CREATE TABLE `usage_records` (
	`id` text PRIMARY KEY NOT NULL,
	`ts` integer NOT NULL,
	`user_did` text NOT NULL,
	`api_key_id` text,
	`provider` text NOT NULL,
	`model` text NOT NULL,
	`credential_id` text,
	`endpoint` text NOT NULL,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`cache_read_tokens` integer DEFAULT 0 NOT NULL,
	`cache_write_tokens` integer DEFAULT 0 NOT NULL,
	`credits` integer DEFAULT 0 NOT NULL,
	`latency_ms` integer,
	`status` text NOT NULL,
	`error_kind` text,
	`request_id` text,
	CONSTRAINT "usage_records_endpoint_check" CHECK("endpoint" in ('chat', 'embedding', 'image')),
	CONSTRAINT "usage_records_status_check" CHECK("status" in ('success', 'error', 'aborted')),
	CONSTRAINT "usage_records_input_tokens_check" CHECK(typeof("input_tokens") = 'integer' and "input_tokens" >= 0),
	CONSTRAINT "usage_records_output_tokens_check" CHECK(typeof("output_tokens") = 'integer' and "output_tokens" >= 0),
	CONSTRAINT "usage_records_cache_read_tokens_check" CHECK(typeof("cache_read_tokens") = 'integer' and "cache_read_tokens" >= 0),
	CONSTRAINT "usage_records_cache_write_tokens_check" CHECK(typeof("cache_write_tokens") = 'integer' and "cache_write_tokens" >= 0),
	CONSTRAINT "usage_records_credits_check" CHECK(typeof("credits") = 'integer' and "credits" >= 0),
	CONSTRAINT "usage_records_latency_ms_check" CHECK(("latency_ms" is null or (typeof("latency_ms") = 'integer' and "latency_ms" >= 0)))
);
--> statement-breakpoint
CREATE INDEX `usage_records_ts_idx` ON `usage_records` (`ts`);--> statement-breakpoint
CREATE INDEX `usage_records_user_did_ts_idx` ON `usage_records` (`user_did`,`ts`);--> statement-breakpoint
CREATE INDEX `usage_records_api_key_id_ts_idx` ON `usage_records` (`api_key_id`,`ts`);--> statement-breakpoint
CREATE INDEX `usage_records_provider_model_ts_idx` ON `usage_records` (`provider`,`model`,`ts`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`ts` text NOT NULL,
	`actor_did` text,
	`actor_role` text,
	`via` text,
	`ip` text,
	`user_agent` text,
	`request_id` text,
	`action` text NOT NULL,
	`target_type` text,
	`target_id` text,
	`outcome` text NOT NULL,
	`reason` text,
	`details` text,
	`prev_hash` text,
	`hash` text NOT NULL,
	CONSTRAINT "audit_events_outcome_check" CHECK("outcome" in ('success', 'denied', 'error')),
	CONSTRAINT "audit_events_ts_check" CHECK("ts" glob '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]*Z'),
	CONSTRAINT "audit_events_details_check" CHECK(("details" is null or (json_valid("details"))))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_events_id_unique` ON `audit_events` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `audit_events_hash_unique` ON `audit_events` (`hash`);--> statement-breakpoint
CREATE INDEX `audit_events_ts_idx` ON `audit_events` (`ts`);--> statement-breakpoint
CREATE INDEX `audit_events_actor_did_seq_idx` ON `audit_events` (`actor_did`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_events_action_seq_idx` ON `audit_events` (`action`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_events_target_seq_idx` ON `audit_events` (`target_type`,`target_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_events_outcome_seq_idx` ON `audit_events` (`outcome`,`seq`);--> statement-breakpoint
CREATE TABLE `config` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer DEFAULT (cast(round(unixepoch('subsec') * 1000) as integer)) NOT NULL,
	`updated_by` text,
	CONSTRAINT "config_value_check" CHECK(json_valid("value"))
);
--> statement-breakpoint
CREATE TABLE `credit_transactions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_did` text NOT NULL,
	`amount` integer NOT NULL,
	`kind` text NOT NULL,
	`usage_record_id` text,
	`reason` text,
	`actor_did` text,
	`created_at` integer DEFAULT (cast(round(unixepoch('subsec') * 1000) as integer)) NOT NULL,
	`balance_after` integer NOT NULL,
	CONSTRAINT "credit_transactions_kind_check" CHECK("kind" in ('grant', 'charge', 'refund', 'initial', 'adjustment')),
	CONSTRAINT "credit_transactions_amount_check" CHECK(typeof("amount") = 'integer'),
	CONSTRAINT "credit_transactions_balance_after_check" CHECK(typeof("balance_after") = 'integer')
);
--> statement-breakpoint
CREATE INDEX `credit_transactions_user_did_created_at_idx` ON `credit_transactions` (`user_did`,`created_at`);--> statement-breakpoint
CREATE INDEX `credit_transactions_usage_record_id_idx` ON `credit_transactions` (`usage_record_id`);