ALTER TABLE `batch_rows` ADD `near_duplicate_of` integer REFERENCES transfers(id);--> statement-breakpoint
ALTER TABLE `batches` ADD `recheck_requested_at` integer;--> statement-breakpoint
ALTER TABLE `batches` ADD `recheck_by` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `batches` ADD `paused_at` integer;--> statement-breakpoint
ALTER TABLE `inquiries` ADD `purpose` text DEFAULT 'transfer' NOT NULL;--> statement-breakpoint
ALTER TABLE `transfers` ADD `topup_answer` text;--> statement-breakpoint
ALTER TABLE `transfers` ADD `queued_at` integer;--> statement-breakpoint
ALTER TABLE `transfers` ADD `discrepancy` text;--> statement-breakpoint
ALTER TABLE `transfers` ADD `discrepancy_at` integer;--> statement-breakpoint
ALTER TABLE `transfers` ADD `discrepancy_reviewed_at` integer;--> statement-breakpoint
ALTER TABLE `transfers` ADD `discrepancy_reviewed_by` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `transfers` ADD `resolution_outcome` text;--> statement-breakpoint
ALTER TABLE `transfers` ADD `resolution_reason` text;--> statement-breakpoint
ALTER TABLE `transfers` ADD `resolution_by` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `transfers` ADD `resolution_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `transfers_retry_of_unique` ON `transfers` (`retry_of_id`);--> statement-breakpoint
CREATE INDEX `transfers_discrepancy` ON `transfers` (`discrepancy_at`);--> statement-breakpoint
-- Look-ups made before this migration: a batch row's or an approval's look-up can never become a single transfer.
UPDATE `inquiries` SET `purpose` = 'batch_row' WHERE `id` IN (SELECT `inquiry_id` FROM `batch_rows` WHERE `inquiry_id` IS NOT NULL);--> statement-breakpoint
UPDATE `inquiries` SET `purpose` = 'approval' WHERE `purpose` = 'transfer' AND `id` IN (SELECT `inquiry_id` FROM `gateway_calls` WHERE `call` = 'inquiry' AND `transfer_id` IS NOT NULL AND `inquiry_id` IS NOT NULL);--> statement-breakpoint
-- Transfers sent before this migration: the top-up's own answer, from its recorded call.
UPDATE `transfers` SET `topup_answer` = (
  SELECT CASE
    WHEN `g`.`outcome` = 'success' THEN 'succeeded'
    WHEN `g`.`outcome` = 'in_progress' THEN 'in_progress'
    WHEN `g`.`outcome` = 'rejected' THEN 'refused'
    WHEN `g`.`response_code` = '4093801' THEN 'held'
    ELSE 'ambiguous'
  END
  FROM `gateway_calls` `g` WHERE `g`.`transfer_id` = `transfers`.`id` AND `g`.`call` = 'topup' ORDER BY `g`.`id` LIMIT 1
) WHERE `topup_answer` IS NULL;
