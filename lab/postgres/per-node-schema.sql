-- Node {{node}} (per-node layout): role {{role}} sees only schema {{role}}, where FreeSWITCH keeps all its
-- core tables, recovery included. `fsctl recover` as {{role}} can never select another node's rows.
CREATE SCHEMA IF NOT EXISTS {{role}} AUTHORIZATION {{role}};
ALTER SCHEMA {{role}} OWNER TO {{role}};
REVOKE ALL ON SCHEMA {{role}} FROM PUBLIC;
ALTER ROLE {{role}} SET search_path = {{role}};
GRANT {{role}} TO {{controller}};
