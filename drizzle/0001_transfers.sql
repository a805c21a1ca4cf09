CREATE TABLE `gateway_calls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`transfer_id` integer,
	`inquiry_id` integer,
	`call` text NOT NULL,
	`path` text NOT NULL,
	`external_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`started_at` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`request_body` text NOT NULL,
	`response_body` text,
	`http_status` integer,
	`response_code` text,
	`outcome` text NOT NULL,
	`error` text,
	FOREIGN KEY (`transfer_id`) REFERENCES `transfers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`inquiry_id`) REFERENCES `inquiries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `gateway_calls_transfer` ON `gateway_calls` (`transfer_id`,`id`);--> statement-breakpoint
CREATE INDEX `gateway_calls_inquiry` ON `gateway_calls` (`inquiry_id`,`id`);--> statement-breakpoint
CREATE TABLE `inquiries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`wallet` text NOT NULL,
	`phone` text NOT NULL,
	`amount` integer NOT NULL,
	`reference` text NOT NULL,
	`outcome` text NOT NULL,
	`owner_name` text,
	`message` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `inquiries_user` ON `inquiries` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `transfers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reference` text NOT NULL,
	`wallet` text NOT NULL,
	`phone` text NOT NULL,
	`amount` integer NOT NULL,
	`owner_name` text NOT NULL,
	`status` text NOT NULL,
	`maker_id` integer NOT NULL,
	`inquiry_id` integer NOT NULL,
	`approver_id` integer,
	`decided_at` integer,
	`reason` text,
	`retry_of_id` integer,
	`cashin_reference` text,
	`last_code` text,
	`last_message` text,
	`sent_at` integer,
	`next_check_at` integer,
	`checks` integer DEFAULT 0 NOT NULL,
	`lease_until` integer,
	`settled_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`maker_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`inquiry_id`) REFERENCES `inquiries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`approver_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `transfers_reference_unique` ON `transfers` (`reference`);--> statement-breakpoint
CREATE UNIQUE INDEX `transfers_inquiry_id_unique` ON `transfers` (`inquiry_id`);--> statement-breakpoint
CREATE INDEX `transfers_created` ON `transfers` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `transfers_status_created` ON `transfers` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `transfers_wallet_created` ON `transfers` (`wallet`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `transfers_maker_created` ON `transfers` (`maker_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `transfers_amount` ON `transfers` (`amount`,`id`);--> statement-breakpoint
CREATE INDEX `transfers_phone` ON `transfers` (`phone`);--> statement-breakpoint
CREATE INDEX `transfers_next_check` ON `transfers` (`next_check_at`);