-- Up Migration
-- Incident saves in one statement (IncidentRepository.saveIfUnchanged): its data-modifying CTEs check that every
-- changed incident was still at the version it was read at and that no other active incident took a new one's key;
-- this guard, evaluated before the events are written, fails the whole statement (SQLSTATE IO409) when they did not,
-- so nothing of a lost race is kept and the caller decides again.
CREATE OR REPLACE FUNCTION ioc_expect(ok boolean, reason text) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF ok IS NOT TRUE THEN
    RAISE EXCEPTION '%', reason USING ERRCODE = 'IO409';
  END IF;
  RETURN true;
END
$$;

-- Down Migration
DROP FUNCTION IF EXISTS ioc_expect(boolean, text);
