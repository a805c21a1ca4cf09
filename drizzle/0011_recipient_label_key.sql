DROP INDEX `recipients_label_active`;--> statement-breakpoint
ALTER TABLE `recipients` ADD `label_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
-- Recipients saved before this column: their labels as the old index compared them (lower() knows ASCII only).
UPDATE `recipients` SET `label_key` = lower(`label`);--> statement-breakpoint
CREATE UNIQUE INDEX `recipients_label_key_active` ON `recipients` (`label_key`) WHERE "recipients"."archived_at" is null;
