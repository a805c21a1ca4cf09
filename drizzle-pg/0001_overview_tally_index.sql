DROP INDEX "transfers_status_created";--> statement-breakpoint
CREATE INDEX "transfers_status_created" ON "transfers" USING btree ("status","created_at","id","amount","batch_id");