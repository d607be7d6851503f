-- FreeSWITCH's recovery table, exactly as FreeSWITCH 1.10.12 creates it (src/switch_core_sqldb.c, recovery_sql),
-- pre-created in {{schema}} and owned by {{owner}} so the node finds it and never creates another.
CREATE TABLE IF NOT EXISTS {{schema}}.recovery (
    runtime_uuid    VARCHAR(255),
    technology      VARCHAR(255),
    profile_name    VARCHAR(255),
    hostname        VARCHAR(255),
    uuid            VARCHAR(255),
    metadata        text
);
CREATE INDEX IF NOT EXISTS recovery1 ON {{schema}}.recovery (technology);
CREATE INDEX IF NOT EXISTS recovery2 ON {{schema}}.recovery (profile_name);
CREATE INDEX IF NOT EXISTS recovery3 ON {{schema}}.recovery (uuid);
-- No index on runtime_uuid: FreeSWITCH asks for one at every start, but names it recovery3 again
-- (switch_core_sqldb.c), so it is never created on a real node; a pg_dump of a FreeSWITCH core DB shows
-- recovery1..3 only. Each index is one more write per leg a move inserts.
-- lz4 instead of the default pglz: a move rewrites ~10 kB of XML per leg, lz4 compresses it several times
-- faster; FreeSWITCH neither sees nor cares how a column is compressed or stored.
-- MAIN keeps the compressed XML (~3 kB) in the row instead of the TOAST table: a move then writes and
-- deletes one tuple per leg rather than three plus TOAST index entries.
ALTER TABLE {{schema}}.recovery ALTER COLUMN metadata SET COMPRESSION lz4;
ALTER TABLE {{schema}}.recovery ALTER COLUMN metadata SET STORAGE MAIN;
-- PLAIN for the short columns (at most 255 characters each): a row is still over the 2 kB toast
-- threshold after compressing the XML, and PostgreSQL would then push every EXTENDED column out to the
-- TOAST table, uuid included — each uuid lookup, hash and index insert of a move (or of FreeSWITCH)
-- would read it back from there.
ALTER TABLE {{schema}}.recovery ALTER COLUMN runtime_uuid SET STORAGE PLAIN,
    ALTER COLUMN technology SET STORAGE PLAIN, ALTER COLUMN profile_name SET STORAGE PLAIN,
    ALTER COLUMN hostname SET STORAGE PLAIN, ALTER COLUMN uuid SET STORAGE PLAIN;
ALTER TABLE {{schema}}.recovery OWNER TO {{owner}};
