-- Up Migration
-- One migration stream for both paths (the Zabbix way): try TimescaleDB, fall back to plain PostgreSQL.
-- openDatabase sets the session variable ioc.timescaledb = 'off' when the operator disabled it.
DO $$
BEGIN
  IF coalesce(current_setting('ioc.timescaledb', true), '') = 'off' THEN
    RAISE NOTICE 'ioc.timescaledb = off: plain PostgreSQL schema';
  ELSE
    BEGIN
      CREATE EXTENSION IF NOT EXISTS timescaledb;
    EXCEPTION WHEN OTHERS THEN
      -- Not installed, not preloaded or not permitted: the plain path takes over.
      RAISE NOTICE 'timescaledb unavailable (%): plain PostgreSQL schema', SQLERRM;
    END;
  END IF;
END $$;

-- Later migrations branch on this, so the decision is made once, here.
CREATE OR REPLACE FUNCTION ioc_timescaledb_enabled() RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
$$;

-- Down Migration
-- The extension itself stays installed: removing it from a database is a DBA decision (it may predate us),
-- and TimescaleDB cannot be created again in a session that dropped it (PGlite has only one session).
DROP FUNCTION IF EXISTS ioc_timescaledb_enabled();
