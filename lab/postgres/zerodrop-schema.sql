-- The controller's schema: the hosts table and the function that moves migration units between nodes.
-- Owned by {{controller}}, which is a member of every node role; node roles have no access to it.
CREATE SCHEMA IF NOT EXISTS zerodrop AUTHORIZATION {{controller}};
REVOKE ALL ON SCHEMA zerodrop FROM PUBLIC;

CREATE TABLE IF NOT EXISTS zerodrop.hosts (
    node          text PRIMARY KEY CHECK (node ~ '^[a-z][a-z0-9_-]{0,39}$'),
    switchname    text NOT NULL UNIQUE,
    sip_ip        text NOT NULL CHECK (sip_ip ~ '^[0-9]{1,3}(\.[0-9]{1,3}){3}$'),
    media_ip      text NOT NULL CHECK (media_ip ~ '^[0-9]{1,3}(\.[0-9]{1,3}){3}$'),
    profile       text NOT NULL,
    rtp_port_min  integer NOT NULL CHECK (rtp_port_min BETWEEN 1024 AND 65535),
    rtp_port_max  integer NOT NULL CHECK (rtp_port_max BETWEEN 1024 AND 65535 AND rtp_port_max > rtp_port_min),
    state         text NOT NULL DEFAULT 'up' CHECK (state IN ('up', 'down', 'fenced', 'draining')),
    -- where the node's recovery table lives: fs_<node> (per-node layout) or public (shared layout)
    schema_name   text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE zerodrop.hosts OWNER TO {{controller}};

-- zerodrop.move_units: move whole migration units of recovery rows from one node's table to another's,
-- in the caller's single transaction, under one cluster-wide advisory lock. The rows arrive already
-- rewritten for the target (p_metadata, produced and verified by src/recovery/rewrite-recovery-row.ts);
-- hostname and profile_name come from the target's hosts row.
--
-- p_metadata holds the rewritten metadata of every leg, in p_uuid order, joined by U+001E (record separator,
-- which XML 1.0 forbids in a document): one plain text parameter ships ~10 kB x 10k legs much faster than a
-- text[] literal, which the server would have to unescape.
--
-- A unit moves only if every one of its legs is in the source exactly once, unchanged since it was read
-- (xmin = p_version, when given), absent from the target, and no leg's bridge partner (p_partner) is left
-- behind in the source outside the unit. Otherwise none of its legs move. Per leg it returns:
--   moved      deleted from the source and inserted into the target
--   already    not in the source but in the target (an earlier identical move): idempotent replay
--   missing    in neither table
--   changed    the source row was written since it was read (xmin differs)
--   duplicate  the source holds the uuid more than once
--   conflict   the target already holds the uuid while the source still does
--   split      the leg's bridge partner stays in the source but is not in this unit
--   held       the leg was fine but another leg of its unit was not
-- The caller must have fenced the source node. Call under READ COMMITTED (the default): after the lock,
-- each statement sees everything committed before, so a second identical move returns 'already'.
CREATE OR REPLACE FUNCTION zerodrop.move_units(
    p_from     text,
    p_to       text,
    p_unit     text[],
    p_uuid     text[],
    p_version  text[],
    p_partner  text[],
    p_metadata text)
RETURNS TABLE (unit text, uuid text, outcome text)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
-- the planner cannot estimate joins over unnest()ed arrays and costs this far above jit_above_cost;
-- LLVM compilation then takes seconds, the query itself milliseconds
SET jit = off
AS $fn$
#variable_conflict use_column
DECLARE
    src         zerodrop.hosts;
    dst         zerodrop.hosts;
    n           integer := cardinality(p_uuid);
    metas       text[] := string_to_array(p_metadata, chr(30));
    v_units     text[];
    v_uuids     text[];
    v_outcomes  text[];
    v_moved     boolean[];
    v_runtime   text[];
    v_tech      text[];
    n_del       bigint;
    n_ins       bigint;
    n_expected  bigint;
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'zerodrop.move_units: call under READ COMMITTED, not %',
            current_setting('transaction_isolation');
    END IF;
    IF coalesce(cardinality(p_unit), 0) <> n OR coalesce(cardinality(p_version), 0) <> n
       OR coalesce(cardinality(p_partner), 0) <> n OR coalesce(cardinality(metas), 0) <> n THEN
        RAISE EXCEPTION 'zerodrop.move_units: arrays differ in length (unit %, uuid %, version %, partner %, metadata %)',
            cardinality(p_unit), n, cardinality(p_version), cardinality(p_partner), cardinality(metas);
    END IF;
    IF n IS NULL OR n = 0 THEN
        RETURN;
    END IF;
    IF (SELECT count(DISTINCT u) FROM unnest(p_uuid) u) <> n OR array_position(p_uuid, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'zerodrop.move_units: uuids must be distinct and not null';
    END IF;

    -- one move at a time, cluster-wide; released at COMMIT/ROLLBACK
    PERFORM pg_advisory_xact_lock(hashtext('zerodrop.move_units'));

    SELECT * INTO src FROM zerodrop.hosts h WHERE h.node = p_from;
    IF NOT FOUND THEN RAISE EXCEPTION 'zerodrop.move_units: unknown source node %', p_from; END IF;
    SELECT * INTO dst FROM zerodrop.hosts h WHERE h.node = p_to;
    IF NOT FOUND THEN RAISE EXCEPTION 'zerodrop.move_units: unknown target node %', p_to; END IF;
    IF src.node = dst.node THEN RAISE EXCEPTION 'zerodrop.move_units: source and target are both %', p_from; END IF;

    -- 1. judge every leg and delete the units that may move. The metadata stays out of this statement:
    --    a CTE read several times is materialised, and 10k x 10 kB would spill to disk on every read.
    --    $5/$6: in the shared layout both nodes use one table, so rows are told apart by hostname.
    EXECUTE format($q$
        WITH input AS (
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
                     WITH ORDINALITY AS i(unit, uuid, version, partner, ord)
        ), src AS (
            SELECT s.ctid AS rid, s.uuid, s.xmin::text AS version
              FROM %1$I.recovery s
             WHERE s.uuid = ANY ($2) AND ($5::text IS NULL OR s.hostname = $5)
        ), nsrc AS (
            SELECT src.uuid, count(*) AS n, min(src.version) AS version FROM src GROUP BY src.uuid
        ), dst AS (
            SELECT DISTINCT d.uuid FROM %2$I.recovery d
             WHERE d.uuid = ANY ($2) AND ($6::text IS NULL OR d.hostname = $6)
        ), partner_left AS (
            -- joins, not NOT EXISTS over the CTE, so the planner hashes (10k legs: ms, not s)
            SELECT DISTINCT i.uuid
              FROM input i
              LEFT JOIN input j ON j.uuid = i.partner AND j.unit = i.unit
              JOIN %1$I.recovery s ON s.uuid = i.partner AND ($5::text IS NULL OR s.hostname = $5)
             WHERE i.partner IS NOT NULL AND j.uuid IS NULL
        ), leg AS (
            SELECT i.ord, i.unit, i.uuid,
                   CASE WHEN ns.n IS NULL THEN CASE WHEN d.uuid IS NULL THEN 'missing' ELSE 'already' END
                        WHEN ns.n > 1 THEN 'duplicate'
                        WHEN d.uuid IS NOT NULL THEN 'conflict'
                        WHEN i.version IS NOT NULL AND ns.version <> i.version THEN 'changed'
                        WHEN pl.uuid IS NOT NULL THEN 'split'
                        ELSE 'ok' END AS state
              FROM input i
              LEFT JOIN nsrc ns ON ns.uuid = i.uuid
              LEFT JOIN dst d ON d.uuid = i.uuid
              LEFT JOIN partner_left pl ON pl.uuid = i.uuid
        ), ok_unit AS (
            SELECT l.unit FROM leg l GROUP BY l.unit HAVING bool_and(l.state = 'ok')
        ), del AS (
            DELETE FROM %1$I.recovery s
             USING src, leg l, ok_unit o
             WHERE s.ctid = src.rid AND src.uuid = l.uuid AND l.unit = o.unit
            RETURNING s.uuid, s.runtime_uuid, s.technology
        )
        SELECT array_agg(l.unit ORDER BY l.ord),
               array_agg(l.uuid ORDER BY l.ord),
               array_agg(CASE WHEN o.unit IS NOT NULL THEN 'moved'
                              WHEN l.state = 'ok' THEN 'held'
                              ELSE l.state END ORDER BY l.ord),
               array_agg(d.uuid IS NOT NULL ORDER BY l.ord),
               array_agg(d.runtime_uuid ORDER BY l.ord),
               array_agg(d.technology ORDER BY l.ord),
               count(d.uuid),
               count(o.unit)
          FROM leg l
          LEFT JOIN ok_unit o ON o.unit = l.unit
          LEFT JOIN del d ON d.uuid = l.uuid
    $q$, src.schema_name, dst.schema_name)
    INTO v_units, v_uuids, v_outcomes, v_moved, v_runtime, v_tech, n_del, n_expected
    USING p_unit, p_uuid, p_version, p_partner,
          CASE WHEN src.schema_name = dst.schema_name THEN src.switchname END,
          CASE WHEN src.schema_name = dst.schema_name THEN dst.switchname END;

    -- 2. insert the deleted legs into the target, rewritten: one streaming pass over the metadata
    EXECUTE format($q$
        INSERT INTO %I.recovery (runtime_uuid, technology, profile_name, hostname, uuid, metadata)
        SELECT x.runtime_uuid, x.technology, $1, $2, x.uuid, x.metadata
          FROM unnest($3::boolean[], $4::text[], $5::text[], $6::text[], $7::text[])
               AS x(moved, runtime_uuid, technology, uuid, metadata)
         WHERE x.moved
    $q$, dst.schema_name)
    USING dst.profile, dst.switchname, v_moved, v_runtime, v_tech, v_uuids, metas;
    GET DIAGNOSTICS n_ins = ROW_COUNT;

    -- a row that changed under us between snapshot and delete would split its unit: undo everything
    IF n_del <> n_expected OR n_ins <> n_expected THEN
        RAISE EXCEPTION 'zerodrop.move_units: % -> %: expected to move % leg(s), deleted %, inserted %; rolled back',
            p_from, p_to, n_expected, n_del, n_ins;
    END IF;
    RETURN QUERY SELECT * FROM unnest(v_units, v_uuids, v_outcomes);
END
$fn$;
ALTER FUNCTION zerodrop.move_units(text, text, text[], text[], text[], text[], text) OWNER TO {{controller}};
REVOKE ALL ON FUNCTION zerodrop.move_units(text, text, text[], text[], text[], text[], text) FROM PUBLIC;
