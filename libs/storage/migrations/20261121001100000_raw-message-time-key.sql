-- Up Migration
-- raw_message is only ever read by time range, in the canonical order (time, device_id, msg_id): replay, backtests,
-- the correlation role's recovery. Its dedup key now leads with time, so one index both deduplicates and serves
-- those reads, and new rows land at the right edge of the index instead of all over it. The (device_id, time) index
-- served no query and goes: two B-trees fewer to update per stored message.
ALTER TABLE raw_message DROP CONSTRAINT raw_message_device_id_msg_id_time_key;
ALTER TABLE raw_message ADD CONSTRAINT raw_message_time_device_id_msg_id_key UNIQUE (time, device_id, msg_id);
DROP INDEX raw_message_device_time_idx;

-- Down Migration
CREATE INDEX raw_message_device_time_idx ON raw_message (device_id, time DESC);
ALTER TABLE raw_message DROP CONSTRAINT raw_message_time_device_id_msg_id_key;
ALTER TABLE raw_message ADD CONSTRAINT raw_message_device_id_msg_id_time_key UNIQUE (device_id, msg_id, time);
