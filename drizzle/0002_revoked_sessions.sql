CREATE TABLE `revoked_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`revoked_at` integer NOT NULL
);
