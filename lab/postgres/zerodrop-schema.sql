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

DROP FUNCTION IF EXISTS zerodrop.apply_recipe(text, text);

-- zerodrop.move_units: move whole migration units of recovery rows from one node's table to another's,
-- in the caller's single transaction, under one cluster-wide advisory lock. The rows arrive already
-- rewritten for the target (produced and verified by src/recovery/rewrite-recovery-row.ts), each leg in
-- one of two forms: its whole rewritten metadata in p_metadata, or, to spare shipping ~10 kB per leg
-- both ways, an empty p_metadata entry and a recipe in p_recipe that turns the source row into it: literal
-- replacements old1 U+001F new1 U+001F old2 U+001F new2 ..., applied in order with replace(), each to every
-- occurrence. src/recovery/rewrite-recipe.ts makes a recipe only after checking on the row it read that it
-- gives exactly the verified rewrite, so a recipe leg must give that row's version (p_version).
-- hostname and profile_name come from the target's hosts row.
--
-- p_metadata and p_recipe hold one entry per leg, in p_uuid order, joined by U+001E (record separator,
-- which XML 1.0 forbids in a document): one plain text parameter ships much faster than a text[] literal,
-- which the server would have to unescape.
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
DROP FUNCTION IF EXISTS zerodrop.move_units(text, text, text[], text[], text[], text[], text);
CREATE OR REPLACE FUNCTION zerodrop.move_units(
    p_from     text,
    p_to       text,
    p_unit     text[],
    p_uuid     text[],
    p_version  text[],
    p_partner  text[],
    p_metadata text,
    p_recipe   text)
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
    -- string_to_array('') is empty, but one leg's empty entry is one element
    metas       text[] := CASE WHEN p_metadata = '' THEN ARRAY[''] ELSE string_to_array(p_metadata, chr(30)) END;
    recipes     text[] := CASE WHEN p_recipe = '' THEN ARRAY[''] ELSE string_to_array(p_recipe, chr(30)) END;
    v_units     text[];
    v_uuids     text[];
    v_outcomes  text[];
    v_seen      text[];
    n_del       bigint;
    n_ins       bigint;
    n_expected  bigint;
    n_parts     integer;
    odd         boolean;
    rewrite     text := 's.metadata';
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'zerodrop.move_units: call under READ COMMITTED, not %',
            current_setting('transaction_isolation');
    END IF;
    IF n IS NULL OR n = 0 THEN
        RETURN;
    END IF;
    IF coalesce(cardinality(p_unit), 0) <> n OR coalesce(cardinality(p_version), 0) <> n
       OR coalesce(cardinality(p_partner), 0) <> n OR coalesce(cardinality(metas), 0) <> n
       OR coalesce(cardinality(recipes), 0) <> n THEN
        RAISE EXCEPTION 'zerodrop.move_units: arrays differ in length (unit %, uuid %, version %, partner %, metadata %, recipe %)',
            cardinality(p_unit), n, cardinality(p_version), cardinality(p_partner), cardinality(metas),
            cardinality(recipes);
    END IF;
    IF (SELECT count(DISTINCT u) FROM unnest(p_uuid) u) <> n OR array_position(p_uuid, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'zerodrop.move_units: uuids must be distinct and not null';
    END IF;
    IF EXISTS (SELECT 1 FROM unnest(metas, recipes, p_version) AS x(m, r, v)
                WHERE (x.m = '') = (x.r = '') OR (x.r <> '' AND x.v IS NULL)) THEN
        RAISE EXCEPTION 'zerodrop.move_units: each leg needs either metadata or a recipe, and a recipe a version';
    END IF;
    SELECT max(cardinality(string_to_array(r, chr(31)))), bool_or(cardinality(string_to_array(r, chr(31))) % 2 = 1)
      INTO n_parts, odd
      FROM unnest(recipes) r WHERE r <> '';
    IF odd THEN
        RAISE EXCEPTION 'zerodrop.move_units: a recipe is not a list of (old, new) pairs';
    END IF;
    -- the recipes as nested replace() calls, padded with no-ops (replace(x, '', '') is x): inline SQL,
    -- no function call per leg
    FOR i IN 1 .. coalesce(n_parts, 0) / 2 LOOP
        rewrite := format('replace(%s, coalesce(mv.r[%s], ''''), coalesce(mv.r[%s], ''''))', rewrite, 2 * i - 1, 2 * i);
    END LOOP;

    -- one move at a time, cluster-wide; released at COMMIT/ROLLBACK
    PERFORM pg_advisory_xact_lock(hashtext('zerodrop.move_units'));

    SELECT * INTO src FROM zerodrop.hosts h WHERE h.node = p_from;
    IF NOT FOUND THEN RAISE EXCEPTION 'zerodrop.move_units: unknown source node %', p_from; END IF;
    SELECT * INTO dst FROM zerodrop.hosts h WHERE h.node = p_to;
    IF NOT FOUND THEN RAISE EXCEPTION 'zerodrop.move_units: unknown target node %', p_to; END IF;
    IF src.node = dst.node THEN RAISE EXCEPTION 'zerodrop.move_units: source and target are both %', p_from; END IF;

    -- 1. judge every leg. The metadata stays out of this statement: a CTE read several times is
    --    materialised, and 10k x 10 kB would spill to disk on every read.
    --    $5/$6: in the shared layout both nodes use one table, so rows are told apart by hostname.
    EXECUTE format($q$
        WITH input AS (
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
                     WITH ORDINALITY AS i(unit, uuid, version, partner, ord)
        ), src AS (
            SELECT s.uuid, s.xmin::text AS version
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
            SELECT i.ord, i.unit, i.uuid, ns.version AS seen,
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
        )
        SELECT array_agg(l.unit ORDER BY l.ord),
               array_agg(l.uuid ORDER BY l.ord),
               array_agg(CASE WHEN o.unit IS NOT NULL THEN 'moved'
                              WHEN l.state = 'ok' THEN 'held'
                              ELSE l.state END ORDER BY l.ord),
               array_agg(l.seen ORDER BY l.ord),
               count(o.unit)
          FROM leg l
          LEFT JOIN ok_unit o ON o.unit = l.unit
    $q$, src.schema_name, dst.schema_name)
    INTO v_units, v_uuids, v_outcomes, v_seen, n_expected
    USING p_unit, p_uuid, p_version, p_partner,
          CASE WHEN src.schema_name = dst.schema_name THEN src.switchname END,
          CASE WHEN src.schema_name = dst.schema_name THEN dst.switchname END;

    -- 2. copy exactly the row versions judged movable into the target, rewritten: the shipped metadata,
    --    or the recipe applied to the source row (read straight from the table: a CTE would copy every
    --    row once more); then 3. delete those versions from the source. A row written since step 1 has
    --    another xmin, is neither copied nor deleted, and the count check below undoes everything.
    EXECUTE format($q$
        INSERT INTO %2$I.recovery (runtime_uuid, technology, profile_name, hostname, uuid, metadata)
        SELECT s.runtime_uuid, s.technology, $6, $7, s.uuid,
               CASE WHEN mv.meta = '' THEN %3$s ELSE mv.meta END
          FROM (SELECT x.*, string_to_array(x.recipe, chr(31)) AS r
                  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                       AS x(uuid, outcome, seen, meta, recipe)
                 WHERE x.outcome = 'moved') mv
          JOIN %1$I.recovery s ON s.uuid = mv.uuid AND s.xmin::text = mv.seen
                              AND ($8::text IS NULL OR s.hostname = $8)
    $q$, src.schema_name, dst.schema_name, rewrite)
    USING v_uuids, v_outcomes, v_seen, metas, recipes, dst.profile, dst.switchname,
          CASE WHEN src.schema_name = dst.schema_name THEN src.switchname END;
    GET DIAGNOSTICS n_ins = ROW_COUNT;
    EXECUTE format($q$
        DELETE FROM %1$I.recovery s
         USING unnest($1::text[], $2::text[], $3::text[]) AS mv(uuid, outcome, seen)
         WHERE mv.outcome = 'moved' AND s.uuid = mv.uuid AND s.xmin::text = mv.seen
           AND ($4::text IS NULL OR s.hostname = $4)
    $q$, src.schema_name)
    USING v_uuids, v_outcomes, v_seen, CASE WHEN src.schema_name = dst.schema_name THEN src.switchname END;
    GET DIAGNOSTICS n_del = ROW_COUNT;

    -- a row that changed under us between judging and deleting would split its unit: undo everything
    IF n_del <> n_expected OR n_ins <> n_expected THEN
        RAISE EXCEPTION 'zerodrop.move_units: % -> %: expected to move % leg(s), deleted %, inserted %; rolled back',
            p_from, p_to, n_expected, n_del, n_ins;
    END IF;
    RETURN QUERY SELECT * FROM unnest(v_units, v_uuids, v_outcomes);
END
$fn$;
ALTER FUNCTION zerodrop.move_units(text, text, text[], text[], text[], text[], text, text) OWNER TO {{controller}};
REVOKE ALL ON FUNCTION zerodrop.move_units(text, text, text[], text[], text[], text[], text, text) FROM PUBLIC;
