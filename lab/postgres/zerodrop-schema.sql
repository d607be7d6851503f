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
-- or spread them over several, in the caller's single transaction, under one cluster-wide advisory lock.
-- The rows arrive already rewritten for their target (produced and verified by
-- src/recovery/rewrite-recovery-row.ts), each leg in one of two forms: its whole rewritten metadata in
-- p_metadata, or, to spare shipping ~10 kB per leg both ways, an empty p_metadata entry and the number
-- (from 1) of a recipe in p_recipes that turns the source row into it: literal replacements old1 U+001F
-- new1 U+001F old2 U+001F new2 ..., applied in order with replace(), each to every occurrence. Legs share
-- a handful of recipes, so each is shipped and split once. src/recovery/rewrite-recipe.ts makes a recipe
-- only after checking on the row it read that it gives exactly the verified rewrite, so a recipe leg must
-- give that row's version (p_version). hostname and profile_name come from the target's hosts row.
--
-- Every list parameter holds one entry per leg (p_recipes: one per recipe), joined by U+001E (record
-- separator, which XML 1.0 forbids in a document; uuids, unit ids, versions and node names never hold
-- it): one plain text parameter ships and parses several times faster than a text[] literal, which the
-- server would have to unescape. In p_version, p_partner and p_recipe an empty entry means none. p_to is
-- the target of each leg, or one node for all; the legs of a unit must share their target.
--
-- A unit moves only if every one of its legs is in the source exactly once, unchanged since it was read
-- (xmin = p_version, when given), absent from its target, and no leg's bridge partner (p_partner) is left
-- behind in the source outside the unit. Otherwise none of its legs move. Per leg, in input order:
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
DROP FUNCTION IF EXISTS zerodrop.move_units(text, text, text[], text[], text[], text[], text, text);
DROP FUNCTION IF EXISTS zerodrop.move_units(text, text, text, text, text, text, text, text);

-- move_units' last word, evaluated once its copy and delete have run to completion: raising here undoes
-- the whole move. A row written since the move's snapshot is left uncopied or undeleted, which would
-- split its unit. STABLE, so that a condition calling it with no column of a row is checked once per
-- statement, not once per row; no SET clause, which would cost a configuration save and restore per call
-- (it names no object, so the search path cannot matter).
CREATE OR REPLACE FUNCTION zerodrop.move_counts_agree(
    p_from text, p_to text, p_expected bigint, p_inserted bigint, p_deleted bigint)
RETURNS boolean
LANGUAGE plpgsql
STABLE
AS $fn$
BEGIN
    IF p_inserted <> p_expected OR p_deleted <> p_expected THEN
        RAISE EXCEPTION 'zerodrop.move_units: % -> %: expected to move % leg(s), deleted %, inserted %; rolled back',
            p_from, p_to, p_expected, p_deleted, p_inserted;
    END IF;
    RETURN true;
END
$fn$;
ALTER FUNCTION zerodrop.move_counts_agree(text, text, bigint, bigint, bigint) OWNER TO {{controller}};
REVOKE ALL ON FUNCTION zerodrop.move_counts_agree(text, text, bigint, bigint, bigint) FROM PUBLIC;

CREATE OR REPLACE FUNCTION zerodrop.move_units(
    p_from     text,
    p_to       text,
    p_unit     text,
    p_uuid     text,
    p_version  text,
    p_partner  text,
    p_metadata text,
    p_recipe   text,
    p_recipes  text)
RETURNS TABLE (unit text, uuid text, outcome text)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
-- the planner cannot estimate joins over unnest()ed arrays and costs this far above jit_above_cost;
-- LLVM compilation then takes seconds, the query itself milliseconds
SET jit = off
-- the planner cannot know the unnest()ed legs are unique per uuid, estimates joins of them in the
-- millions and picks merge joins, sorting 10k rows again and again; hashing them is what fits
SET enable_mergejoin = off
-- the judgement hashes several copies of the legs: in memory, not spilled at 4 MB each
SET work_mem = '64MB'
-- nor does it know the legs number 10k, not 200: it would look each one up in an index, 10k times. Hash
-- joins it is. (Reaching rows by ctid stays a nested loop: a LATERAL subquery leaves no other way.)
SET enable_nestloop = off
AS $fn$
#variable_conflict use_column
DECLARE
    -- no uuids, no legs; in the other lists one leg's empty entry is one element (string_to_array('') is
    -- empty), and in p_version, p_partner and p_recipe an empty entry is none
    uuids       text[] := CASE WHEN p_uuid = '' THEN '{}'::text[] ELSE string_to_array(p_uuid, chr(30)) END;
    n           integer := coalesce(cardinality(uuids), 0);
    units       text[] := string_to_array(p_unit, chr(30));
    versions    text[] := CASE WHEN p_version = '' THEN ARRAY[NULL]::text[] ELSE string_to_array(p_version, chr(30), '') END;
    partners    text[] := CASE WHEN p_partner = '' THEN ARRAY[NULL]::text[] ELSE string_to_array(p_partner, chr(30), '') END;
    targets     text[] := string_to_array(p_to, chr(30));
    metas       text[] := CASE WHEN p_metadata = '' THEN ARRAY[''] ELSE string_to_array(p_metadata, chr(30)) END;
    rnums       text[] := CASE WHEN p_recipe = '' THEN ARRAY[NULL]::text[] ELSE string_to_array(p_recipe, chr(30), '') END;
    recipes     text[] := CASE WHEN p_recipes = '' THEN '{}'::text[] ELSE string_to_array(p_recipes, chr(30)) END;
    numbers     text[] := ARRAY(SELECT generate_series(1, coalesce(cardinality(recipes), 0))::text);
    n_targets   integer := coalesce(cardinality(targets), 0);
    -- whether any leg ships its XML; when none does, the statement below leaves the list alone
    any_meta    boolean;
    tnames      text[];
    src         zerodrop.hosts;
    dst         zerodrop.hosts;
    dsts        zerodrop.hosts[];
    shared      boolean;
    dst_sql     text;
    ins_sql     text;
    cnt_sql     text;
    empty_uuid  boolean;
    bad_form    boolean;
    bad_ref     boolean;
    mixed_unit  text;
    n_parts     integer;
    odd         boolean;
    rewrite     text := 's.metadata';
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'zerodrop.move_units: call under READ COMMITTED, not %',
            current_setting('transaction_isolation');
    END IF;
    IF n = 0 THEN
        RETURN;
    END IF;
    IF n_targets = 1 THEN
        targets := array_fill(targets[1], ARRAY[n]);
        tnames := ARRAY[p_to];
    ELSE
        tnames := ARRAY(SELECT DISTINCT t FROM unnest(targets) AS t);
    END IF;
    IF coalesce(cardinality(units), 0) <> n OR coalesce(cardinality(versions), 0) <> n
       OR coalesce(cardinality(partners), 0) <> n OR coalesce(cardinality(metas), 0) <> n
       OR coalesce(cardinality(rnums), 0) <> n OR coalesce(cardinality(targets), 0) <> n THEN
        RAISE EXCEPTION 'zerodrop.move_units: lists differ in length (unit %, uuid %, version %, partner %, metadata %, recipe %, target %)',
            cardinality(units), n, cardinality(versions), cardinality(partners), cardinality(metas),
            cardinality(rnums), cardinality(targets);
    END IF;
    any_meta := p_metadata <> repeat(chr(30), n - 1);
    -- the per-leg checks in one pass over the inputs. A leg with neither metadata nor a valid recipe would
    -- be copied unrewritten: refused here. A recipe number is valid exactly when it is one of '1' .. 'N',
    -- as move-params.ts writes them. A uuid listed twice is refused by move-params.ts; should one get
    -- here, its row is copied twice and deleted once, and the count check undoes the move. Then recipe
    -- shapes, once each, and each unit's target.
    SELECT coalesce(bool_or(x.u = ''), false),
           coalesce(bool_or((x.m = '') = (x.r IS NULL) OR (x.r IS NOT NULL AND x.v IS NULL)), false),
           coalesce(bool_or(x.r IS NOT NULL AND NOT x.r = ANY (numbers)), false)
      INTO empty_uuid, bad_form, bad_ref
      FROM unnest(uuids, metas, rnums, versions) AS x(u, m, r, v);
    IF empty_uuid THEN
        RAISE EXCEPTION 'zerodrop.move_units: a leg has an empty uuid';
    END IF;
    IF bad_form THEN
        RAISE EXCEPTION 'zerodrop.move_units: each leg needs either metadata or a recipe, and a recipe a version';
    END IF;
    IF bad_ref THEN
        RAISE EXCEPTION 'zerodrop.move_units: a leg names a recipe that p_recipes does not hold';
    END IF;
    SELECT max(d.parts), coalesce(bool_or(d.parts % 2 = 1), false)
      INTO n_parts, odd
      FROM (SELECT cardinality(string_to_array(r, chr(31))) AS parts FROM unnest(recipes) AS r) d;
    IF odd THEN
        RAISE EXCEPTION 'zerodrop.move_units: a recipe is not a list of (old, new) pairs';
    END IF;
    IF n_targets > 1 THEN
        SELECT x.u INTO mixed_unit FROM (SELECT DISTINCT u, t FROM unnest(units, targets) AS y(u, t)) x
         GROUP BY x.u HAVING count(*) > 1 LIMIT 1;
    END IF;
    IF mixed_unit IS NOT NULL THEN
        RAISE EXCEPTION 'zerodrop.move_units: the legs of unit % name different targets', mixed_unit;
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
    SELECT array_agg(h ORDER BY h.node) INTO dsts FROM zerodrop.hosts h WHERE h.node = ANY (tnames);
    IF coalesce(cardinality(dsts), 0) <> cardinality(tnames) THEN
        RAISE EXCEPTION 'zerodrop.move_units: unknown target node among %', array_to_string(tnames, ', ');
    END IF;
    FOREACH dst IN ARRAY dsts LOOP
        IF dst.node = src.node THEN RAISE EXCEPTION 'zerodrop.move_units: source and target are both %', p_from; END IF;
    END LOOP;
    -- the shared layout: every node uses one table, so rows are told apart by hostname
    shared := EXISTS (SELECT 1 FROM unnest(dsts) d WHERE d.schema_name = src.schema_name);

    -- which legs each target already holds: one scan per target table
    SELECT string_agg(format(
               'SELECT d.uuid, %L::text AS node FROM input i JOIN %I.recovery d ON d.uuid = i.uuid%s',
               d.node, d.schema_name,
               CASE WHEN shared THEN format(' AND d.hostname = %L', d.switchname) ELSE '' END),
           ' UNION ALL ')
      INTO dst_sql FROM unnest(dsts) d;

    -- one INSERT per target for the statement below. LATERAL ... OFFSET 0 makes the planner reach each
    -- source row by its ctid: it estimates the judged legs in the billions and would otherwise hash the
    -- whole source table, ~4 kB rows and all.
    SELECT string_agg(format($q$
        , ins_%1$s AS (
            INSERT INTO %2$I.recovery (runtime_uuid, technology, profile_name, hostname, uuid, metadata)
            SELECT s.runtime_uuid, s.technology, %3$L, %4$L, s.uuid,
                   CASE WHEN mv.meta = '' THEN %5$s ELSE mv.meta END
              FROM mv, LATERAL (SELECT s.* FROM %6$I.recovery s
                                 WHERE s.ctid = mv.ctid AND s.xmin::text = mv.seen OFFSET 0) s
             WHERE mv.target = %7$L
            RETURNING 1)$q$, d.ordinality, d.schema_name, d.profile, d.switchname, rewrite, src.schema_name, d.node), '')
           , string_agg(format('(SELECT count(*) FROM ins_%s)', d.ordinality), ' + ')
      INTO ins_sql, cnt_sql
      FROM unnest(dsts) WITH ORDINALITY AS d;

    -- Judge every leg, copy the movable ones rewritten into their targets, delete them from the source,
    -- check the counts and return each leg's outcome: one statement, so all of it works from one snapshot
    -- and nothing is shipped back and forth as arrays between steps. The copy and the delete reach
    -- exactly the row versions the judgement saw, by ctid: a row written since the snapshot is found
    -- changed by the delete (which re-checks the newest version, whose ctid is another) and stays, so
    -- the counts disagree and move_counts_agree undoes everything. The metadata stays out of every CTE
    -- read twice (those are materialised: 10k x 10 kB would spill).
    RETURN QUERY EXECUTE format($q$
        WITH input AS MATERIALIZED (
            SELECT i.unit, i.uuid, i.version, i.partner, i.target, i.recipe::integer AS recipe, i.ord
              FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $6::text[], $8::text[])
                   WITH ORDINALITY AS i(unit, uuid, version, partner, target, recipe, ord)
        ), nsrc AS (
            -- joined, not listed (uuid = ANY ($2)): planning estimates a list of 10k constants one by one
            SELECT s.uuid, count(*) AS n, min(s.xmin::text) AS version, min(s.ctid) AS ctid
              FROM input i JOIN %1$I.recovery s ON s.uuid = i.uuid
             WHERE $5::text IS NULL OR s.hostname = $5
             GROUP BY s.uuid
        ), dst AS (
            SELECT DISTINCT d.uuid, d.node FROM (%2$s) d
        ), leg AS (
            -- a partner left behind: in the source, and not a leg of this unit. Mostly the partner is a leg
            -- of the same unit; only otherwise is the source asked.
            SELECT i.ord, i.unit, i.uuid, i.target, i.recipe, ns.version AS seen, ns.ctid,
                   CASE WHEN ns.n IS NULL THEN CASE WHEN d.uuid IS NULL THEN 'missing' ELSE 'already' END
                        WHEN ns.n > 1 THEN 'duplicate'
                        WHEN d.uuid IS NOT NULL THEN 'conflict'
                        WHEN i.version IS NOT NULL AND ns.version <> i.version THEN 'changed'
                        WHEN i.partner IS NULL OR p.unit = i.unit THEN 'ok'
                        WHEN EXISTS (SELECT 1 FROM %1$I.recovery s
                                      WHERE s.uuid = i.partner AND ($5::text IS NULL OR s.hostname = $5))
                             THEN 'split'
                        ELSE 'ok' END AS state
              FROM input i
              LEFT JOIN nsrc ns ON ns.uuid = i.uuid
              LEFT JOIN dst d ON d.uuid = i.uuid AND d.node = i.target
              LEFT JOIN input p ON p.uuid = i.partner
        ), bad AS (
            SELECT DISTINCT l.unit FROM leg l WHERE l.state <> 'ok'
        ), judged AS MATERIALIZED (
            -- hashed: a window over the units would sort every leg, for a handful of bad units
            SELECT l.*, b.unit IS NULL AS unit_ok FROM leg l LEFT JOIN bad b ON b.unit = l.unit
        ), mv AS MATERIALIZED (
            -- each leg to move with its metadata or split recipe, before any source row is read
            SELECT j.ctid, j.seen, j.target, %5$s AS meta, string_to_array(rc.txt, chr(31)) AS r
              FROM judged j
              LEFT JOIN unnest($9::text[]) WITH ORDINALITY AS rc(txt, ord) ON rc.ord = j.recipe
              %6$s
             WHERE j.unit_ok
        )%3$s, del AS (
            -- a TID scan of exactly these rows
            DELETE FROM %1$I.recovery s WHERE s.ctid = ANY (ARRAY(SELECT mv.ctid FROM mv))
            RETURNING 1
        )
        SELECT j.unit, j.uuid,
               CASE WHEN j.unit_ok THEN 'moved' WHEN j.state = 'ok' THEN 'held' ELSE j.state END
          FROM judged j
         WHERE zerodrop.move_counts_agree($10, $11, (SELECT count(*) FROM judged WHERE unit_ok), %4$s,
                                          (SELECT count(*) FROM del))
         ORDER BY j.ord
    $q$, src.schema_name, dst_sql, ins_sql, cnt_sql,
         CASE WHEN any_meta THEN 'm.meta' ELSE $e$''::text$e$ END,
         CASE WHEN any_meta THEN 'LEFT JOIN unnest($7::text[]) WITH ORDINALITY AS m(meta, ord) ON m.ord = j.ord' ELSE '' END)
    USING units, uuids, versions, partners, CASE WHEN shared THEN src.switchname END, targets, metas, rnums,
          recipes, p_from, array_to_string(tnames, ', ');
END
$fn$;
ALTER FUNCTION zerodrop.move_units(text, text, text, text, text, text, text, text, text) OWNER TO {{controller}};
REVOKE ALL ON FUNCTION zerodrop.move_units(text, text, text, text, text, text, text, text, text) FROM PUBLIC;
