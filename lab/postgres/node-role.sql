-- A login role; created once, password and attributes re-applied on every run.
DO $do$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{{role}}') THEN
    CREATE ROLE {{role}} LOGIN;
  END IF;
END $do$;
ALTER ROLE {{role}} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {{password}};
