CREATE TABLE `worker_heartbeats` (
	`worker` text PRIMARY KEY NOT NULL,
	`started_at` integer NOT NULL,
	`beat_at` integer NOT NULL,
	`pass_started_at` integer,
	`last_pass_at` integer
);
