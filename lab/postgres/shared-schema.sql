-- Shared layout (the seed's): every node logs in as {{role}} and uses public.recovery. Kept to demonstrate
-- the hazard: FreeSWITCH recovers every row with a foreign runtime_uuid, so a recover on one node takes the
-- live calls of all others.
GRANT USAGE, CREATE ON SCHEMA public TO {{role}};
ALTER ROLE {{role}} SET search_path = public;
GRANT {{role}} TO {{controller}};
