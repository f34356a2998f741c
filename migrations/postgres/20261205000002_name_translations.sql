-- A tenant's own names for the fixed names (assessment levels, action kinds, horizons,
-- readiness, resource kinds) in languages the built-in names lack, or replacing them
-- (docs/languages.md): language -> set -> member -> name, as a JSON object.
alter table tenants add column name_translations jsonb not null default '{}';
