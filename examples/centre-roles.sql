-- centre-roles.sql - the roles of an izin data centre on PostgreSQL
-- (izin-centre(7)).  Run by an administrator (the owner of the schema
-- izin, or a superuser), once the schema exists, that is after the first
-- write by report-log, and again after a schema migration:
--
--   report-log -d "host=db.centre dbname=izin" --merge first-device.db \
--       --enrol-new
--   psql "host=db.centre dbname=izin" -f centre-roles.sql
--
-- Three group roles, none of which can log in; login roles join one:
--
--   izin_device   a device (an officer's phone, a hotel desk) merging or
--                 appending its own log: inserts sightings and layouts,
--                 reads and moves only its own chain head and checkpoint
--                 (row-level security through izin.device_role), reads
--                 the device keys, and may neither update nor delete a
--                 sighting, nor read anyone else's, nor enrol a key.
--   izin_analyst  reads everything, writes nothing.
--   izin_office   an issuing office: registers the permits it seals
--                 (qr-issue --register) and reads the register; enrols
--                 devices (report-log --enrol): inserts their keys.
--
-- Then, per device (its id is the log's: sqlite3 dev.db
-- "SELECT value FROM meta WHERE key = 'device'"):
--
--   CREATE ROLE t07_lamongan LOGIN PASSWORD '...' IN ROLE izin_device;
--   INSERT INTO izin.device_role(role, device)
--     VALUES ('t07_lamongan', '5c0ffee5c0ffee00');
--
-- and its key enrolled, by an office, from the line the device prints
-- (report-log -d dev.db --device-key > t07.dev):
--
--   report-log -d "host=db.centre dbname=izin user=office" --enrol t07.dev
--
-- Safe to run again: roles are made only when missing, and grants and
-- policies are made afresh.

BEGIN;

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'izin_device') THEN
		CREATE ROLE izin_device NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'izin_analyst') THEN
		CREATE ROLE izin_analyst NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'izin_office') THEN
		CREATE ROLE izin_office NOLOGIN;
	END IF;
END $$;

-- Nothing but what is granted below.
REVOKE ALL ON ALL TABLES IN SCHEMA izin
	FROM PUBLIC, izin_device, izin_analyst, izin_office;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA izin
	FROM PUBLIC, izin_device, izin_analyst, izin_office;
GRANT USAGE ON SCHEMA izin TO izin_device, izin_analyst, izin_office;

-- Every tool opening the log reads the schema version and the log's id.
GRANT SELECT ON izin.version, izin.meta
	TO izin_device, izin_analyst, izin_office;

-- A writer takes seq and layout ids from the counter row.
GRANT SELECT, UPDATE ON izin.counter TO izin_device;
GRANT SELECT ON izin.counter TO izin_office, izin_analyst;

-- Devices: append only.  INSERT on the partitioned table is enough for
-- COPY to route rows to the month partitions; a new month is made by
-- izin.add_month(), which runs as the schema owner.
GRANT INSERT ON izin.sighting TO izin_device;
GRANT SELECT, INSERT ON izin.layout TO izin_device;
GRANT SELECT, INSERT, UPDATE ON izin.head TO izin_device;
GRANT EXECUTE ON FUNCTION izin.add_month(bigint) TO izin_device;
-- A merge compares the centre's copy of the device's own chain; this
-- function hands a device role its own rows only.
GRANT EXECUTE ON FUNCTION izin.device_rows(text, bigint, bigint)
	TO izin_device, izin_analyst;

-- Which login role is which device.  Each device role sees only its own
-- lines, which the head policy below needs to read.
GRANT SELECT ON izin.device_role TO izin_device, izin_analyst;
ALTER TABLE izin.device_role ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS device_role_own ON izin.device_role;
CREATE POLICY device_role_own ON izin.device_role TO izin_device
	USING (role = current_user);
DROP POLICY IF EXISTS device_role_read ON izin.device_role;
CREATE POLICY device_role_read ON izin.device_role FOR SELECT
	TO izin_analyst USING (true);

-- A device reads and moves its own chain head only: merging another
-- device's log fails at its head and is rolled back whole.
ALTER TABLE izin.head ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS head_own ON izin.head;
CREATE POLICY head_own ON izin.head TO izin_device
	USING (device IN (SELECT device FROM izin.device_role
	                  WHERE role = current_user))
	WITH CHECK (device IN (SELECT device FROM izin.device_role
	                       WHERE role = current_user));
DROP POLICY IF EXISTS head_read ON izin.head;
CREATE POLICY head_read ON izin.head FOR SELECT TO izin_analyst
	USING (true);

-- Device keys: a merge checks each device's checkpoints with the key the
-- centre holds for it, so every device reads them; an office enrols a
-- device by inserting its key.  Only the schema's owner may update or
-- delete one: a device's key never changes, and whoever could replace it
-- could sign a chain cut after its checkpoint left the device.
GRANT SELECT ON izin.device_key TO izin_device;
GRANT SELECT, INSERT ON izin.device_key TO izin_office;

-- A device reads and stores its own checkpoint only, as its head: a
-- merge of its log keeps the newer of the two.  UPDATE, for a merge
-- replaces the row of a device the centre has met before.
GRANT SELECT, INSERT, UPDATE ON izin.checkpoint TO izin_device;
ALTER TABLE izin.checkpoint ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS checkpoint_own ON izin.checkpoint;
CREATE POLICY checkpoint_own ON izin.checkpoint TO izin_device
	USING (device IN (SELECT device FROM izin.device_role
	                  WHERE role = current_user))
	WITH CHECK (device IN (SELECT device FROM izin.device_role
	                       WHERE role = current_user));
DROP POLICY IF EXISTS checkpoint_read ON izin.checkpoint;
CREATE POLICY checkpoint_read ON izin.checkpoint FOR SELECT TO izin_analyst
	USING (true);

-- Analysts: read only.
GRANT SELECT ON ALL TABLES IN SCHEMA izin TO izin_analyst;

-- Offices: the register.
GRANT SELECT, INSERT ON izin.permits TO izin_office;

COMMIT;
