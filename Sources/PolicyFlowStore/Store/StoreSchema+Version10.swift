extension StoreSchema {
  /// On SQLite, nothing: a file has no logins, and who acts is who `--as` says.
  static let sqliteVersion10 = ""

  /// What a shared server can enforce itself, so that reading the tables with `psql` does not
  /// bypass the store's rights:
  ///
  /// - Three roles without login, to grant to people's and workers' logins:
  ///   `policyflow_worker` reads what a cycle needs and writes outcomes, and nothing else (not
  ///   users, not pend claims); `policyflow_operator` reads everything and writes policies,
  ///   histories, pends and the queue, but not users; `policyflow_admin` also manages users.
  ///   Roles belong to the whole server: they are created when missing, and a login without the
  ///   right to create roles leaves them to its database administrator (a NOTICE says so).
  /// - Row-level security for data access groups: a policy in a group, and every row that
  ///   belongs to it (document, history, pends, cycles, calculations, cancellation, queue), is
  ///   visible only to the logins of users who hold the group, of administrators, and of workers.
  ///   The owner of the tables (who ran `policyflow init`) is not subject to it.
  ///
  /// A user's login is the login of the same name: `policyflow users add uma` for `CREATE ROLE
  /// uma LOGIN`.
  static let postgresVersion10 = #"""
    \#(postgresVersion10Roles)

    \#(postgresVersion10TableGrants)

    -- Whether the connected login may see a policy of `access_group`. It reads app_user and the
    -- role memberships as its owner (SECURITY DEFINER), asks about session_user (the login), and
    -- resolves names in the store's schema only, so a caller cannot slip in a table of its own.
    DO $function$
    BEGIN
      EXECUTE format($create$
        CREATE FUNCTION policyflow_may_see(access_group text) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = %I, pg_temp AS $may_see$
          SELECT access_group IS NULL
            OR EXISTS (
              SELECT 1 FROM pg_catalog.pg_auth_members m
              JOIN pg_catalog.pg_roles r ON r.oid = m.roleid JOIN pg_catalog.pg_roles s ON s.oid = m.member
              WHERE r.rolname = 'policyflow_worker' AND s.rolname = session_user)
            OR EXISTS (
              SELECT 1 FROM app_user u
              WHERE u.name = session_user
                AND (u.is_admin = 1 OR jsonb_exists(CAST(u.groups AS jsonb), access_group)))
        $may_see$
      $create$, current_schema());
    END
    $function$;
    REVOKE ALL ON FUNCTION policyflow_may_see(text) FROM PUBLIC;
    \#(postgresVersion10FunctionGrants)

    ALTER TABLE policy ENABLE ROW LEVEL SECURITY;
    CREATE POLICY policy_by_access_group ON policy USING (policyflow_may_see(access_group));
    -- Every row that belongs to a policy is visible when its policy is (the subquery is itself
    -- filtered by the policy's row-level security).
    DO $belongs$
    DECLARE
      child text;
    BEGIN
      FOREACH child IN ARRAY ARRAY[
        'policy_data', 'status_history', 'cycle', 'pend_history', 'calculation', 'cancellation', 'activity',
        'pend_claim']
      LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', child);
        EXECUTE format(
          'CREATE POLICY %I ON %I USING (EXISTS (SELECT 1 FROM policy p WHERE p.id = policy_id))',
          child || '_by_access_group', child);
      END LOOP;
    END
    $belongs$;
    """#

  /// The grants of schema 10's migration to PolicyFlow's roles, each applied only when its role
  /// exists: run by the migration, and again by `policyflow init` (``StoreSchema/postgresGrants``),
  /// so that roles a database administrator creates after the store was made get them too.
  static let postgresVersion10TableGrants = #"""
    DO $grants$
    DECLARE
      tables text := 'policy, policy_data, status_history, cycle, pend_history, calculation, cancellation, '
        || 'activity, pend_claim, catalog_snapshot';
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_worker') THEN
        EXECUTE 'GRANT SELECT ON schema_migrations, policy, policy_data, status_history, cycle, pend_history, '
          || 'calculation, cancellation, activity, catalog_snapshot TO policyflow_worker';
        GRANT INSERT ON cycle, status_history, pend_history, calculation, catalog_snapshot, policy_data
          TO policyflow_worker;
        GRANT UPDATE ON policy, policy_data, calculation, activity TO policyflow_worker;
        GRANT DELETE ON activity TO policyflow_worker;
        EXECUTE 'GRANT USAGE ON ALL SEQUENCES IN SCHEMA ' || quote_ident(current_schema()) || ' TO policyflow_worker';
      END IF;
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_operator') THEN
        EXECUTE 'GRANT SELECT ON schema_migrations, app_user, ' || tables || ' TO policyflow_operator';
        EXECUTE 'GRANT INSERT, UPDATE, DELETE ON ' || tables || ' TO policyflow_operator';
        EXECUTE 'GRANT USAGE ON ALL SEQUENCES IN SCHEMA ' || quote_ident(current_schema())
          || ' TO policyflow_operator';
      END IF;
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_admin') THEN
        GRANT INSERT, UPDATE, DELETE ON app_user TO policyflow_admin;
      END IF;
    END
    $grants$;
    """#

  /// The grants of schema 10's migration to PolicyFlow's roles, each applied only when its role
  /// exists: run by the migration, and again by `policyflow init` (``StoreSchema/postgresGrants``),
  /// so that roles a database administrator creates after the store was made get them too.
  static let postgresVersion10FunctionGrants = #"""
    DO $execute$
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_operator') THEN
        GRANT EXECUTE ON FUNCTION policyflow_may_see(text) TO policyflow_operator;
      END IF;
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_worker') THEN
        GRANT EXECUTE ON FUNCTION policyflow_may_see(text) TO policyflow_worker;
      END IF;
    END
    $execute$;
    """#

  /// PolicyFlow's three roles, created where missing by a login that may create roles: run by
  /// schema 10's migration, and again by `policyflow init` while any is missing.
  static let postgresVersion10Roles = #"""
    DO $roles$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_worker') THEN
        CREATE ROLE policyflow_worker NOLOGIN;
      END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_operator') THEN
        CREATE ROLE policyflow_operator NOLOGIN;
      END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_admin') THEN
        CREATE ROLE policyflow_admin NOLOGIN IN ROLE policyflow_operator;
      END IF;
    EXCEPTION
      WHEN insufficient_privilege THEN
        RAISE NOTICE 'PolicyFlow could not create its roles (policyflow_worker, policyflow_operator, policyflow_admin): '
          'this login may not create roles; a database administrator creates them and runs policyflow init again';
      -- Roles belong to the server, not the database, so the migration's lock does not keep out
      -- an init of another database creating them at the same moment: then the transaction runs
      -- again (as after any serialization failure), and finds them.
      WHEN duplicate_object OR unique_violation THEN
        RAISE EXCEPTION 'another database''s PolicyFlow created its roles at the same moment'
          USING ERRCODE = 'serialization_failure';
    END
    $roles$;
    """#
}
