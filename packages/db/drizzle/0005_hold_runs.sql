-- Every new hold reads the user's latest hold on the showtime under the showtime's lock, for its run's
-- maximum life (packages/core/src/seating/hold-run.ts): this index makes that read one index probe.
CREATE INDEX "holds_user_showtime_latest_idx" ON "holds" USING btree ("user_id","showtime_id","created_at" DESC NULLS LAST,"closed_at" DESC NULLS FIRST);
