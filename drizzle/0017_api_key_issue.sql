ALTER TABLE `api_keys` ADD `issued_at` integer;--> statement-breakpoint
-- Keys made before this were shown to the admin when made: they count as issued then.
UPDATE `api_keys` SET `issued_at` = `created_at`;