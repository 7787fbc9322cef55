-- The application's database role (__APP_ROLE__): it reads and writes rows and owns nothing, so it can
-- neither alter nor drop a table, a trigger or a function (docs/security.md, "Event chains").
-- Run as the role that owns the tables (the one that runs migrate), after every migrate;
-- scripts/db-roles.sh does. One statement per line-ending semicolon: the tests run it too.
GRANT USAGE ON SCHEMA public TO __APP_ROLE__;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO __APP_ROLE__;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO __APP_ROLE__;
-- Events are appended and read, never changed: refused here, and by the trigger to every role.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM __APP_ROLE__;
-- Tables and sequences that later migrations create.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO __APP_ROLE__;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO __APP_ROLE__;
