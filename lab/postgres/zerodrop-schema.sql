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
-- p_metadata, or, to spare shipping ~10 kB per leg both ways, an empty p_metadata entry and a recipe in
-- p_recipe that turns the source row into it: literal replacements old1 U+001F new1 U+001F old2 U+001F
-- new2 ..., applied in order with replace(), each to every occurrence. src/recovery/rewrite-recipe.ts
-- makes a recipe only after checking on the row it read that it gives exactly the verified rewrite, so a
-- recipe leg must give that row's version (p_version). hostname and profile_name come from the target's
-- hosts row.
--
-- Every list parameter holds one entry per leg, joined by U+001E (record separator, which XML 1.0 forbids
-- in a document; uuids, unit ids, versions and node names never hold it): one plain text parameter ships
-- and parses several times faster than a text[] literal, which the server would have to unescape. In
-- p_version and p_partner an empty entry means none. p_to is the target of each leg, or one node for all;
-- the legs of a unit must share their target.
--
-- A unit moves only if every one of its legs is in the source exactly once, unchanged since it was read
-- (xmin = p_version, when given), absent from its target, and no leg's bridge partner (p_partner) is left
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
DROP FUNCTION IF EXISTS zerodrop.move_units(text, text, text[], text[], text[], text[], text, text);
CREATE OR REPLACE FUNCTION zerodrop.move_units(
    p_from     text,
    p_to       text,
    p_unit     text,
    p_uuid     text,
    p_version  text,
    p_partner  text,
    p_metadata text,
    p_recipe   text)
RETURNS TABLE (unit text, uuid text, outcome text)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
-- the planner cannot estimate joins over unnest()ed arrays and costs this far above jit_above_cost;
-- LLVM compilation then takes seconds, the query itself milliseconds
SET jit = off
-- the planner cannot know the unnest()ed legs are unique per uuid, estimates joins of them in the
-- millions and picks merge joins, sorting 10k rows again and again; hashing them is what fits
SET enable_mergejoin = off
AS $fn$
#variable_conflict use_column
DECLARE
    -- no uuids, no legs; in the other lists one leg's empty entry is one element (string_to_array('') is
    -- empty), and in p_version and p_partner an empty entry is none
    uuids       text[] := CASE WHEN p_uuid = '' THEN '{}'::text[] ELSE string_to_array(p_uuid, chr(30)) END;
    n           integer := coalesce(cardinality(uuids), 0);
    units       text[] := string_to_array(p_unit, chr(30));
    versions    text[] := CASE WHEN p_version = '' THEN ARRAY[NULL]::text[] ELSE string_to_array(p_version, chr(30), '') END;
    partners    text[] := CASE WHEN p_partner = '' THEN ARRAY[NULL]::text[] ELSE string_to_array(p_partner, chr(30), '') END;
    targets     text[] := string_to_array(p_to, chr(30));
    metas       text[] := CASE WHEN p_metadata = '' THEN ARRAY[''] ELSE string_to_array(p_metadata, chr(30)) END;
    recipes     text[] := CASE WHEN p_recipe = '' THEN ARRAY[''] ELSE string_to_array(p_recipe, chr(30)) END;
    src         zerodrop.hosts;
    dst         zerodrop.hosts;
    dsts        zerodrop.hosts[];
    shared      boolean;
    dst_sql     text;
    v_units     text[];
    v_uuids     text[];
    v_outcomes  text[];
    v_ord       bigint[];
    n_del       bigint;
    n_ins_all   bigint;
    n_expected  bigint;
    n_distinct  bigint;
    n_notnull   bigint;
    bad_form    boolean;
    mixed_unit  text;
    n_parts     integer;
    odd         boolean;
    rewrite     text := 's.metadata';
    ins_sql     text;
    cnt_sql     text;
    n_targets   integer := coalesce(cardinality(targets), 0);
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
    END IF;
    IF coalesce(cardinality(units), 0) <> n OR coalesce(cardinality(versions), 0) <> n
       OR coalesce(cardinality(partners), 0) <> n OR coalesce(cardinality(metas), 0) <> n
       OR coalesce(cardinality(recipes), 0) <> n OR coalesce(cardinality(targets), 0) <> n THEN
        RAISE EXCEPTION 'zerodrop.move_units: lists differ in length (unit %, uuid %, version %, partner %, metadata %, recipe %, target %)',
            cardinality(units), n, cardinality(versions), cardinality(partners), cardinality(metas),
            cardinality(recipes), cardinality(targets);
    END IF;
    -- the per-leg checks in one pass over the inputs; recipe shapes once per distinct recipe (legs share a
    -- handful); then each unit's target
    SELECT count(x.u) FILTER (WHERE x.u <> ''),
           coalesce(bool_or((x.m = '') = (x.r = '') OR (x.r <> '' AND x.v IS NULL)), false)
      INTO n_notnull, bad_form
      FROM unnest(uuids, metas, recipes, versions) AS x(u, m, r, v);
    -- hashed, not count(DISTINCT), which sorts 10k uuids under the database's collation
    SELECT count(*) INTO n_distinct FROM (SELECT DISTINCT u FROM unnest(uuids) AS u) d;
    IF n_distinct <> n OR n_notnull <> n THEN
        RAISE EXCEPTION 'zerodrop.move_units: uuids must be distinct and not empty';
    END IF;
    IF bad_form THEN
        RAISE EXCEPTION 'zerodrop.move_units: each leg needs either metadata or a recipe, and a recipe a version';
    END IF;
    SELECT max(d.parts), coalesce(bool_or(d.parts % 2 = 1), false)
      INTO n_parts, odd
      FROM (SELECT cardinality(string_to_array(y.r, chr(31))) AS parts
              FROM (SELECT DISTINCT r FROM unnest(recipes) AS r WHERE r <> '') y) d;
    IF odd THEN
        RAISE EXCEPTION 'zerodrop.move_units: a recipe is not a list of (old, new) pairs';
    END IF;
    IF n_targets > 1 THEN  -- p_to named one node per leg
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
    SELECT array_agg(h ORDER BY h.node) INTO dsts
      FROM zerodrop.hosts h WHERE h.node IN (SELECT DISTINCT t FROM unnest(targets) t);
    IF coalesce(cardinality(dsts), 0) <> (SELECT count(DISTINCT t) FROM unnest(targets) t) THEN
        RAISE EXCEPTION 'zerodrop.move_units: unknown target node among %',
            (SELECT string_agg(DISTINCT t, ', ') FROM unnest(targets) t);
    END IF;
    FOREACH dst IN ARRAY dsts LOOP
        IF dst.node = src.node THEN RAISE EXCEPTION 'zerodrop.move_units: source and target are both %', p_from; END IF;
    END LOOP;
    -- the shared layout: every node uses one table, so rows are told apart by hostname
    shared := EXISTS (SELECT 1 FROM unnest(dsts) d WHERE d.schema_name = src.schema_name);

    -- which legs each target already holds: one scan per target table
    SELECT string_agg(format(
               'SELECT d.uuid, %L::text AS node FROM %I.recovery d WHERE d.uuid = ANY ($2)%s',
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
                                 WHERE s.ctid = mv.ctid AND s.xmin::text = mv.seen
                                   AND ($5::text IS NULL OR s.hostname = $5) OFFSET 0) s
             WHERE mv.target = %7$L
            RETURNING 1)$q$, d.ordinality, d.schema_name, d.profile, d.switchname, rewrite, src.schema_name, d.node), '')
           , string_agg(format('(SELECT count(*) FROM ins_%s)', d.ordinality), ' + ')
      INTO ins_sql, cnt_sql
      FROM unnest(dsts) WITH ORDINALITY AS d;

    -- Judge every leg, copy the movable ones rewritten into their targets, delete them from the source:
    -- one statement, so all three work from one snapshot and the judgement reaches the copy and the
    -- delete without being shipped back and forth as arrays. The copy and the delete reach each row by
    -- the ctid the judgement saw and insist on its xmin: a row written since the snapshot is another
    -- version (the delete re-checks the newest one and drops it), so the counts disagree and the check
    -- below undoes everything. Legs mostly share a few recipes: each distinct one is split once. The
    -- metadata stays out of every CTE read twice (those are materialised: 10k x 10 kB would spill).
    EXECUTE format($q$
        WITH input AS MATERIALIZED (
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $6::text[])
                     WITH ORDINALITY AS i(unit, uuid, version, partner, target, ord)
        ), nsrc AS (
            SELECT s.uuid, count(*) AS n, min(s.xmin::text) AS version, min(s.ctid) AS ctid
              FROM %1$I.recovery s
             WHERE s.uuid = ANY ($2) AND ($5::text IS NULL OR s.hostname = $5)
             GROUP BY s.uuid
        ), dst AS (
            SELECT DISTINCT d.uuid, d.node FROM (%2$s) d
        ), leg AS (
            -- a partner left behind: in the source, and not a leg of this unit. A partner among the legs
            -- is in the source exactly when nsrc has it; only one outside them needs a lookup.
            SELECT i.ord, i.unit, i.uuid, i.target, ns.version AS seen, ns.ctid,
                   CASE WHEN ns.n IS NULL THEN CASE WHEN d.uuid IS NULL THEN 'missing' ELSE 'already' END
                        WHEN ns.n > 1 THEN 'duplicate'
                        WHEN d.uuid IS NOT NULL THEN 'conflict'
                        WHEN i.version IS NOT NULL AND ns.version <> i.version THEN 'changed'
                        WHEN i.partner IS NULL OR p.unit = i.unit THEN 'ok'
                        WHEN p.uuid IS NOT NULL THEN CASE WHEN np.uuid IS NULL THEN 'ok' ELSE 'split' END
                        WHEN EXISTS (SELECT 1 FROM %1$I.recovery s
                                      WHERE s.uuid = i.partner AND ($5::text IS NULL OR s.hostname = $5))
                             THEN 'split'
                        ELSE 'ok' END AS state
              FROM input i
              LEFT JOIN nsrc ns ON ns.uuid = i.uuid
              LEFT JOIN dst d ON d.uuid = i.uuid AND d.node = i.target
              LEFT JOIN input p ON p.uuid = i.partner
              LEFT JOIN nsrc np ON np.uuid = i.partner
        ), judged AS MATERIALIZED (
            SELECT l.*, bool_and(l.state = 'ok') OVER (PARTITION BY l.unit) AS unit_ok FROM leg l
        ), rc AS (
            SELECT d.recipe, string_to_array(d.recipe, chr(31)) AS r
              FROM (SELECT DISTINCT x.recipe FROM unnest($8::text[]) AS x(recipe)) d
        ), mv AS MATERIALIZED (
            -- each leg to move with its metadata and split recipe, before any source row is read
            SELECT j.ctid, j.seen, j.target, m.meta, rc.r
              FROM judged j
              JOIN unnest($7::text[], $8::text[]) WITH ORDINALITY AS m(meta, recipe, ord) ON m.ord = j.ord
              JOIN rc ON rc.recipe = m.recipe
             WHERE j.unit_ok
        )%3$s, del AS (
            DELETE FROM %1$I.recovery s
             USING mv
             -- a TID scan of exactly these rows, not a scan of the whole table
             WHERE s.ctid = ANY (ARRAY(SELECT m2.ctid FROM mv m2))
               AND s.ctid = mv.ctid AND s.xmin::text = mv.seen AND ($5::text IS NULL OR s.hostname = $5)
            RETURNING 1
        )
        -- no ORDER BY: the aggregates of one query take its rows in one sequence, so the arrays stay
        -- aligned leg by leg; ord restores the input order on return
        SELECT array_agg(j.unit), array_agg(j.uuid),
               array_agg(CASE WHEN j.unit_ok THEN 'moved' WHEN j.state = 'ok' THEN 'held' ELSE j.state END),
               array_agg(j.ord),
               count(*) FILTER (WHERE j.unit_ok),
               %4$s,
               (SELECT count(*) FROM del)
          FROM judged j
    $q$, src.schema_name, dst_sql, ins_sql, cnt_sql)
    INTO v_units, v_uuids, v_outcomes, v_ord, n_expected, n_ins_all, n_del
    USING units, uuids, versions, partners, CASE WHEN shared THEN src.switchname END, targets, metas, recipes;

    -- a row that changed under us would split its unit: undo everything
    IF n_del <> n_expected OR n_ins_all <> n_expected THEN
        RAISE EXCEPTION 'zerodrop.move_units: % -> %: expected to move % leg(s), deleted %, inserted %; rolled back',
            p_from, (SELECT string_agg(d.node, ', ') FROM unnest(dsts) d), n_expected, n_del, n_ins_all;
    END IF;
    RETURN QUERY SELECT x.u, x.id, x.o FROM unnest(v_units, v_uuids, v_outcomes, v_ord) AS x(u, id, o, ord)
                  ORDER BY x.ord;
END
$fn$;
ALTER FUNCTION zerodrop.move_units(text, text, text, text, text, text, text, text) OWNER TO {{controller}};
REVOKE ALL ON FUNCTION zerodrop.move_units(text, text, text, text, text, text, text, text) FROM PUBLIC;
